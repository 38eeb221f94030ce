package sockwatch.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * {@code --output FILE}: events go to FILE instead of stdout, so a launched command's own output stays apart.
 * sockwatch runs as root, so the file is opened the safe way: never through a symlink (O_NOFOLLOW: one planted in
 * a shared folder cannot aim root's writes elsewhere), appended to when it exists (a log shipper may be reading
 * it; rotation by rename is safe), created 0600 when not.
 */
final class OutputFile {
    private OutputFile() {
    }

    /** The stream for FILE, or a one-line UserException (exit 2) saying why it cannot be written. */
    static PrintStream open(Path file, boolean autoFlush) {
        try {
            FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            if (!java.nio.file.Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                ch.close();
                throw new UserException(ExitCodes.USAGE, "--output " + file + ": not a regular file");
            }
            OutputStream os = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            return new PrintStream(os, autoFlush, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserException(ExitCodes.USAGE, "--output " + file + ": cannot write there: no such directory");
        } catch (FileSystemException e) {
            throw new UserException(ExitCodes.USAGE, "--output " + file + ": cannot write there: "
                    + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()));
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (why.contains("symbolic links")) {   // ELOOP from O_NOFOLLOW (the JDK says it as a plain IOException)
                why = "it is a symbolic link, which sockwatch does not follow (name the file itself)";
            }
            throw new UserException(ExitCodes.USAGE, "--output " + file + ": cannot write there: " + why);
        }
    }
}
