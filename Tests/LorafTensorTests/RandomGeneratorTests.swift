import Foundation
import XCTest
@testable import LorafTensor

/// xoshiro256** seeded by SplitMix64: reference outputs, seeding, bounded integers, shuffle and saved state.
final class RandomGeneratorTests: XCTestCase {
    func testSplitMix64ReferenceOutputs() {
        var mixer = SplitMix64(seed: 0)
        XCTAssertEqual([mixer.next(), mixer.next(), mixer.next()],
                       [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
    }

    func testXoshiroReferenceOutputsFromState1234() throws {
        // First output by hand: rotl(2 * 5, 7) * 9 = 1280 * 9 = 11520; the state update then leaves s1 = 0.
        var generator = try RandomGenerator(state: [1, 2, 3, 4])
        XCTAssertEqual((0..<4).map { _ in generator.next() }, [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240])
    }

    func testSeedingUsesSplitMix() throws {
        var mixer = SplitMix64(seed: 99)
        let expected = try RandomGenerator(state: [mixer.next(), mixer.next(), mixer.next(), mixer.next()])
        XCTAssertEqual(RandomGenerator(seed: 99), expected)
        XCTAssertEqual(RandomGenerator(seed: 99, stream: 0), expected)
        XCTAssertNotEqual(RandomGenerator(seed: 99, stream: 1), expected)
        XCTAssertThrowsError(try RandomGenerator(state: [0, 0, 0, 0])) { XCTAssertEqual($0 as? RandomStateError, .allZeroState) }
        XCTAssertThrowsError(try RandomGenerator(state: [1, 2, 3])) { XCTAssertEqual($0 as? RandomStateError, .wordCount(3)) }
    }

    func testBoundedIntegersAreInRangeAndRoughlyUniform() {
        var generator = RandomGenerator(seed: 3)
        var histogram = [Int](repeating: 0, count: 6)
        for _ in 0..<60_000 { histogram[generator.nextInt(below: 6)] += 1 }
        for count in histogram { XCTAssertEqual(Double(count), 10_000, accuracy: 500) }
    }

    func testShuffleIsAPermutationAndDeterministic() {
        var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5)
        var first = Array(0..<100), second = Array(0..<100)
        a.shuffle(&first)
        b.shuffle(&second)
        XCTAssertEqual(first, second)
        XCTAssertNotEqual(first, Array(0..<100))
        XCTAssertEqual(first.sorted(), Array(0..<100))
    }

    func testCodableRoundTripIsExactAndHex() throws {
        var generator = RandomGenerator(seed: .max)
        _ = generator.next()
        let json = try JSONEncoder().encode(generator)
        XCTAssertTrue(String(decoding: json, as: UTF8.self).contains(String(generator.state[0], radix: 16)))
        var restored = try JSONDecoder().decode(RandomGenerator.self, from: json)
        XCTAssertEqual(restored, generator)
        XCTAssertEqual(restored.next(), generator.next())
        XCTAssertThrowsError(try JSONDecoder().decode(RandomGenerator.self, from: Data(#"{"state":["1","zz","3","4"]}"#.utf8)))
    }
}
