/// SGEMM's cache blocking for one micro-tile (mr × nr) on one cache hierarchy, derived at run time from the caches'
/// sizes (`CacheInfo`) after the analytical model of Low et al. 2016 ("Analytical modeling is enough for
/// high-performance BLIS", ACM TOMS 43(2)), on the loop structure of Goto & van de Geijn 2008 (ACM TOMS 34(3)):
///
/// - **kc (L1).** The B micro-panel kc × nr is reused by every mr-row tile of a block, so it must stay in L1 while A's
///   micro-panels (mr × kc) stream past it. With W ways of `wayBytes` each, one way left for C, A gets
///   ⌊(W − 1) / (1 + nr/mr)⌋ ways (at least one) and B the nr/mr times as many it needs: kcMax = A's ways · wayBytes /
///   (mr · 4), rounded down to a multiple of 8. A product's depth k is cut into ⌈k / kcMax⌉ blocks of equal depth
///   (`depthBlock(k:)`), so no thin last block is left over.
/// - **Rows and columns per chunk (L2).** A chunk of C (rows × columns) walks all the depth blocks; per block it reads
///   an A block (rows × kc) once per B micro-panel and a B piece (kc × columns) once per row tile, and adds into its
///   C block. A block and B piece each get a quarter of L2 and the C block half of it (`chunkLimits(kc:)`); rows are
///   a multiple of mr, columns of nr.
/// - **Chunks (threads).** When the product is big enough to share, rows (then columns) are cut further until there
///   are 4 chunks per thread (`plan`), which `Parallel.forEach` hands out in column-piece order, so a thread's next
///   chunk mostly reads the same B piece.
///
/// The blocking decides only where work is cut and in which order tiles run, except kc, which decides where C takes
/// its partial sums: the results depend on kc (and so on the L1 size), never on the thread count or chunk shapes.
struct GEMMBlocking: Equatable {
    /// Micro-tile rows and columns.
    let mr: Int, nr: Int
    /// The deepest depth block (floats of depth), a multiple of 8, at least 32.
    let kcMax: Int
    /// Bytes of L2 the chunk limits share out.
    let l2Bytes: Int
    /// op(A)ᵀ (`transA`) is read in place instead of packed when one depth block of the chunk's columns of it spans at
    /// most this many bytes of cache lines (half of L1: a small attention product), else packed per depth block.
    let inPlaceTransposedBytes: Int

    init(mr: Int, nr: Int, cache: CacheInfo) {
        let floatBytes = MemoryLayout<Float>.stride
        let ways = max(1, cache.l1d.ways), wayBytes = cache.l1d.size / ways
        let aWays = max(1, (ways - 1) * mr / (mr + nr))
        (self.mr, self.nr) = (mr, nr)
        kcMax = max(32, aWays * wayBytes / (mr * floatBytes) / 8 * 8)
        l2Bytes = cache.l2.size
        inPlaceTransposedBytes = cache.l1d.size / 2
    }

    /// The depth of each block for a product of depth k ≥ 1: ⌈k / ⌈k / kcMax⌉⌉ (≤ kcMax, the blocks as even as can be).
    func depthBlock(k: Int) -> Int {
        let blocks = (k + kcMax - 1) / kcMax
        return (k + blocks - 1) / blocks
    }

    /// Most rows (a multiple of mr) and columns (a multiple of nr) of one chunk at depth block kc, and most
    /// rows × columns: the A block and the B piece a quarter of L2 each, the C block half of it.
    func chunkLimits(kc: Int) -> (rows: Int, columns: Int, area: Int) {
        let quarter = l2Bytes / 4 / MemoryLayout<Float>.stride
        return (max(mr, quarter / kc / mr * mr), max(nr, quarter / kc / nr * nr), 2 * quarter)
    }

    /// How one column block (m rows, `panels` nr-column panels, depth blocks of kc) is cut into chunks: rows per
    /// chunk (a multiple of mr) and their count, panels per chunk and their count. Within the L2 limits; then, while
    /// there are fewer than `wantedChunks`, rows and next columns are cut into more, even pieces (the rounding to
    /// whole tiles and panels can leave down to about half as many as wanted).
    func plan(m: Int, panels: Int, kc: Int, wantedChunks: Int)
        -> (rows: Int, rowBlocks: Int, panels: Int, pieces: Int) {
        let limits = chunkLimits(kc: kc)
        let limitPanels = max(1, limits.columns / nr)
        var pieces = (panels + limitPanels - 1) / limitPanels
        let piecePanels = (panels + pieces - 1) / pieces
        let limitTiles = max(1, min(limits.rows, limits.area / (piecePanels * nr)) / mr)
        let tiles = (m + mr - 1) / mr
        var blockTiles = min(tiles, limitTiles)
        if (tiles + blockTiles - 1) / blockTiles * pieces < wantedChunks {
            let wantedBlocks = min(tiles, (wantedChunks + pieces - 1) / pieces)
            blockTiles = min(blockTiles, (tiles + wantedBlocks - 1) / wantedBlocks)
        }
        let rowBlocks = (tiles + blockTiles - 1) / blockTiles
        if rowBlocks * pieces < wantedChunks { pieces = min(panels, max(pieces, (wantedChunks + rowBlocks - 1) / rowBlocks)) }
        let chunkPanels = (panels + pieces - 1) / pieces
        return (blockTiles * mr, rowBlocks, chunkPanels, (panels + chunkPanels - 1) / chunkPanels)
    }
}
