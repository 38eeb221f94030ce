package sockwatch.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;

/**
 * The bytes of {@code --output FILE}, kept going to the file that FILE names across log rotation. logrotate's
 * default (rename FILE, then {@code create} a new one) would otherwise leave sockwatch writing into the renamed file
 * for good, so before a write, at most once a second, the path is looked at again: when it names another file (by
 * device and inode), or none, it is opened anew (the same safe way: no symlink followed, appended, 0600) and the old
 * one closed. copytruncate needs nothing: the file is opened O_APPEND, so after a truncation writes go to its new
 * end, with no hole of NULs. Should the new path be unusable (a symlink or FIFO planted there, a directory gone),
 * writing goes on into the old file and stderr says so once.
 */
final class RotatingFileStream extends OutputStream {
    private static final long CHECK_NANOS = 1_000_000_000L;

    private final Path path;
    private final PrintStream warnings;
    private FileChannel channel;
    private Object fileKey;   // (device, inode) of the file channel writes to, as the JDK reports it
    private long lastCheck;
    private boolean warned;

    private RotatingFileStream(Path path, PrintStream warnings, FileChannel channel, Object fileKey) {
        this.path = path;
        this.warnings = warnings;
        this.channel = channel;
        this.fileKey = fileKey;
        this.lastCheck = System.nanoTime();
    }

    /** Opens FILE, or throws the IOException that says why not (the caller words it). */
    static RotatingFileStream open(Path path, PrintStream warnings) throws IOException {
        FileChannel ch = openChannel(path);
        return new RotatingFileStream(path, warnings, ch, keyOf(path));
    }

    /**
     * FILE opened for appending, never through a symlink; refused unless it is a regular file (a FIFO or device
     * is refused before the open, so a FIFO planted at the path cannot block it; a directory or a symlink makes the
     * open itself fail).
     */
    private static FileChannel openChannel(Path path) throws IOException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(path)) {
            throw new NotRegularFileException(path);
        }
        FileChannel ch = FileChannel.open(path, Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            ch.close();
            throw new NotRegularFileException(path);
        }
        return ch;
    }

    private static Object keyOf(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        long now = System.nanoTime();
        if (now - lastCheck >= CHECK_NANOS) {
            lastCheck = now;
            followRotation();
        }
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    private void followRotation() {
        Object now;
        try {
            now = keyOf(path);
        } catch (NoSuchFileException e) {
            now = null;   // renamed away and not created again (logrotate's nocreate): make it
        } catch (IOException e) {
            return;
        }
        if (Objects.equals(now, fileKey)) {
            return;
        }
        try {
            FileChannel fresh = openChannel(path);
            Object key = keyOf(path);
            channel.close();
            channel = fresh;
            fileKey = key;
        } catch (IOException e) {
            if (!warned) {
                warned = true;
                String why = e instanceof NotRegularFileException ? "not a regular file"
                        : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                        : e.getMessage() != null && e.getMessage().contains("symbolic links") ? "it is a symbolic link"
                        : String.valueOf(e.getMessage());
                warnings.println("sockwatch: --output " + path + " was rotated, but cannot be opened again (" + why
                        + "): the events go on into the old file");
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** FILE exists and is not a regular file (a directory, FIFO, device). */
    static final class NotRegularFileException extends IOException {
        NotRegularFileException(Path path) {
            super(path + ": not a regular file");
        }
    }
}
