#include "CMPIShim.h"
#include <limits.h>
#include <mpi.h>
#include <stdlib.h>

int loraf_mpi_init(int *provided) {
    int code = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, provided);
    if (code != MPI_SUCCESS) return code;
    return MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

int loraf_mpi_active(void) {
    int initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    return initialized && !finalized;
}

int loraf_mpi_finalize(void) { return MPI_Finalize(); }
int loraf_mpi_rank(int *rank) { return MPI_Comm_rank(MPI_COMM_WORLD, rank); }
int loraf_mpi_size(int *size) { return MPI_Comm_size(MPI_COMM_WORLD, size); }

static MPI_Op operation(int op) {
    switch (op) {
    case LORAF_MPI_MAX: return MPI_MAX;
    case LORAF_MPI_MIN: return MPI_MIN;
    default: return MPI_SUM;
    }
}

// MPI counts are ints: larger buffers go in INT_MAX-element pieces (every rank splits the same way).
static int allreduce(void *buffer, size_t count, size_t width, MPI_Datatype type, int op) {
    char *bytes = buffer;
    while (count > 0) {
        int piece = count > (size_t)INT_MAX ? INT_MAX : (int)count;
        int code = MPI_Allreduce(MPI_IN_PLACE, bytes, piece, type, operation(op), MPI_COMM_WORLD);
        if (code != MPI_SUCCESS) return code;
        bytes += (size_t)piece * width;
        count -= (size_t)piece;
    }
    return MPI_SUCCESS;
}

int loraf_mpi_allreduce_float(float *buffer, size_t count, int op) {
    return allreduce(buffer, count, sizeof(float), MPI_FLOAT, op);
}

int loraf_mpi_allreduce_double(double *buffer, size_t count, int op) {
    return allreduce(buffer, count, sizeof(double), MPI_DOUBLE, op);
}

int loraf_mpi_broadcast_float(float *buffer, size_t count, int root) {
    while (count > 0) {
        int piece = count > (size_t)INT_MAX ? INT_MAX : (int)count;
        int code = MPI_Bcast(buffer, piece, MPI_FLOAT, root, MPI_COMM_WORLD);
        if (code != MPI_SUCCESS) return code;
        buffer += piece;
        count -= (size_t)piece;
    }
    return MPI_SUCCESS;
}

int loraf_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

void loraf_mpi_abort(int status) {
    MPI_Abort(MPI_COMM_WORLD, status);
    exit(status);  // MPI_Abort does not return; this is for an implementation whose abort does.
}

void loraf_mpi_error_string(int code, char *buffer, int capacity) {
    if (capacity <= 0) return;
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
    if (length >= capacity) length = capacity - 1;
    for (int i = 0; i < length; i++) buffer[i] = text[i];
    buffer[length] = '\0';
}
