// Open MPI's C API (Debian's libopenmpi-dev, found through pkg-config `ompi-c`). Only CMPIShim includes it:
// MPI_COMM_WORLD, MPI_FLOAT and the reduction operations are macros over global symbols that Swift cannot import.
#include <mpi.h>
