// What LorafDistributed needs from MPI, over MPI_COMM_WORLD, with plain C types only (Open MPI's communicators,
// datatypes and operations are macros Swift cannot import). Every function returns an MPI error code
// (0 = MPI_SUCCESS; text with loraf_mpi_error_string) unless said otherwise. Counts are element counts; buffers
// larger than INT_MAX elements are sent in INT_MAX pieces.
#ifndef LORAF_CMPI_SHIM_H
#define LORAF_CMPI_SHIM_H

#include <stddef.h>

/// Reductions: the values of `loraf_mpi_op`.
enum { LORAF_MPI_SUM = 0, LORAF_MPI_MAX = 1, LORAF_MPI_MIN = 2 };

/// MPI_Init_thread with MPI_THREAD_FUNNELED (only the main thread calls MPI), then MPI_ERRORS_RETURN on the
/// world communicator so failures come back as codes. `provided` receives the thread level granted.
int loraf_mpi_init(int *provided);
/// 1 when MPI_Init has run and MPI_Finalize has not, else 0 (no error code).
int loraf_mpi_active(void);
int loraf_mpi_finalize(void);
int loraf_mpi_rank(int *rank);
int loraf_mpi_size(int *size);
/// In-place all-reduce of `count` floats / doubles with `op` (LORAF_MPI_SUM, _MAX or _MIN).
int loraf_mpi_allreduce_float(float *buffer, size_t count, int op);
int loraf_mpi_allreduce_double(double *buffer, size_t count, int op);
/// Broadcast of `count` floats from `root` (in place: the root's values replace every other rank's).
int loraf_mpi_broadcast_float(float *buffer, size_t count, int root);
int loraf_mpi_barrier(void);
/// MPI_Abort on the world communicator: ends every rank of the job with `status`. Does not return.
void loraf_mpi_abort(int status);
/// The text of an MPI error code into `buffer` (NUL-terminated, at most `capacity` bytes).
void loraf_mpi_error_string(int code, char *buffer, int capacity);

#endif
