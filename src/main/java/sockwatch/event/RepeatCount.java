package sockwatch.event;

/**
 * In changes-only mode: how many calls identical to the one shown before them (same process, fd, level, option,
 * value and result) a backend counted instead of delivering. Reported once, when the probe stops.
 *
 * @param pid      process id (thread group id)
 * @param fd       file descriptor argument
 * @param level    level argument
 * @param optname  option number within the level
 * @param ret      the syscall's return value those repeats had: 0, or -errno
 * @param count    how many such calls were not shown
 * @param backend  which probe counted them
 */
public record RepeatCount(int pid, int fd, int level, int optname, long ret, long count, String backend) {
    public boolean ok() {
        return ret >= 0;
    }

    public int errno() {
        return ret < 0 ? (int) -ret : 0;
    }
}
