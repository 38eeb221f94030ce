package sockwatch.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * {@code --output FILE}: events go to FILE instead of stdout, so a launched command's own output stays apart.
 * sockwatch runs as root, so the file is opened the safe way: never through a symlink (O_NOFOLLOW: one planted in
 * a shared folder cannot aim root's writes elsewhere), appended to when it exists (a log shipper may be reading
 * it), created 0600 when not; it follows log rotation (RotatingFileStream).
 */
final class OutputFile {
    private OutputFile() {
    }

    /** The stream for FILE, or a one-line UserException (exit 2) saying why it cannot be written. */
    static PrintStream open(Path file, boolean autoFlush) {
        try {
            OutputStream os = new BufferedOutputStream(RotatingFileStream.open(file, System.err), 1 << 16);
            return new PrintStream(os, autoFlush, StandardCharsets.UTF_8);
        } catch (RotatingFileStream.NotRegularFileException e) {
            throw new UserException(ExitCodes.USAGE, "--output " + file + ": not a regular file");
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
