package sockwatch.snapshot;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/** Which fds of a process are sockets: /proc/PID/fd/N links read "socket:[INODE]". */
public final class SocketFds {

    /** One socket fd of the target, as listed (it may be closed or reused by the time it is read). */
    public record SocketFd(int fd, long inode) {
    }

    private SocketFds() {
    }

    /**
     * The socket fds of a process, by fd number. Entries that vanish while listing are left out (the process
     * closed them); a process that vanishes or may not be looked at throws.
     */
    public static List<SocketFd> list(Path procPid) throws SnapshotException {
        List<SocketFd> out = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(procPid.resolve("fd"))) {
            for (Path entry : dir) {
                int fd;
                try {
                    fd = Integer.parseInt(entry.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                String target;
                try {
                    target = Files.readSymbolicLink(entry).toString();
                } catch (NoSuchFileException e) {
                    continue; // closed between readdir and readlink
                }
                OptionalLong inode = socketInode(target);
                if (inode.isPresent()) {
                    out.add(new SocketFd(fd, inode.getAsLong()));
                }
            }
        } catch (NoSuchFileException e) {
            throw SnapshotException.gone(procPid);
        } catch (AccessDeniedException e) {
            throw SnapshotException.fdsDenied(procPid);
        } catch (IOException e) {
            if (!Files.isDirectory(procPid)) {
                throw SnapshotException.gone(procPid);
            }
            throw new SnapshotException(SnapshotException.Kind.FAILED, "cannot list " + procPid.resolve("fd")
                    + ": " + e.getMessage());
        }
        out.sort(Comparator.comparingInt(SocketFd::fd));
        return out;
    }

    /** The inode of a "socket:[12345]" link target; empty for files, pipes, anon inodes and the rest. */
    static OptionalLong socketInode(String linkTarget) {
        if (linkTarget == null || !linkTarget.startsWith("socket:[") || !linkTarget.endsWith("]")) {
            return OptionalLong.empty();
        }
        String digits = linkTarget.substring(8, linkTarget.length() - 1);
        if (digits.isEmpty() || digits.length() > 20 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseUnsignedLong(digits));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
