#include "build_info.h"

/* The slot: a marker that occurs once in the binary, then room for the commit, NUL padded.
   scripts/package.sh finds the marker and writes the commit after it (same size, in place).
   `volatile` keeps the compiler from folding the reads below into the compile-time value. */
#define SWEEP_COMMIT_MARK "sweep-build-commit:"
#define SWEEP_COMMIT_MARK_LENGTH (sizeof(SWEEP_COMMIT_MARK) - 1)
#ifndef SWEEP_COMMIT
#define SWEEP_COMMIT ""
#endif
__attribute__((used)) static const volatile char sweep_commit_slot[SWEEP_COMMIT_MARK_LENGTH + 45] =
    SWEEP_COMMIT_MARK SWEEP_COMMIT;

size_t sweep_build_commit(char *buffer, size_t size) {
    size_t length = 0;
    if (size == 0) return 0;
    while (length + 1 < size && SWEEP_COMMIT_MARK_LENGTH + length < sizeof(sweep_commit_slot)) {
        char c = sweep_commit_slot[SWEEP_COMMIT_MARK_LENGTH + length];
        if (c == '\0') break;
        buffer[length++] = c;
    }
    buffer[length] = '\0';
    return length;
}
