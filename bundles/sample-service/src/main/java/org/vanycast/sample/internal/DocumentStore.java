package org.vanycast.sample.internal;

import static org.vanycast.sample.internal.DocumentException.Reason.INVALID_NAME;
import static org.vanycast.sample.internal.DocumentException.Reason.INVALID_RANGE;
import static org.vanycast.sample.internal.DocumentException.Reason.NOT_FOUND;
import static org.vanycast.sample.internal.DocumentException.Reason.TOO_LARGE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.vanycast.sample.api.DocumentInfo;

/**
 * The documents of one data folder: its regular files, addressed by plain file name. Names
 * that could leave the folder (separators, "..", NUL, symbolic links pointing elsewhere) are
 * refused before the file system is touched.
 */
public final class DocumentStore {

    /** getDocument returns whole documents up to this size; larger ones are read by range. */
    public static final long MAX_WHOLE_DOCUMENT = 64L * 1024 * 1024;
    /** One getRange call returns at most this many bytes. */
    public static final int MAX_RANGE = 16 * 1024 * 1024;
    private static final int MAX_NAME = 255;

    private final Path root;

    public DocumentStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public List<DocumentInfo> list() throws DocumentException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<DocumentInfo> documents = new ArrayList<>();
        try (Stream<Path> files = Files.list(root)) {
            for (Path file : (Iterable<Path>) files.sorted()::iterator) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    documents.add(new DocumentInfo(file.getFileName().toString(), Files.size(file)));
                }
            }
        } catch (IOException e) {
            throw new DocumentException("cannot list " + root + ": " + e.getMessage(), e);
        }
        return documents;
    }

    /** The file of a document, after checking that the name stays inside the folder. */
    public Path resolve(String name) throws DocumentException {
        validateName(name);
        Path file = root.resolve(name).normalize();
        if (!file.getParent().equals(root)) {
            throw new DocumentException(INVALID_NAME, "invalid document name: " + printable(name));
        }
        // NOFOLLOW: a symbolic link could point anywhere on the node.
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new DocumentException(NOT_FOUND, "no such document: " + name);
        }
        return file;
    }

    public long size(String name) throws DocumentException {
        try {
            return Files.size(resolve(name));
        } catch (IOException e) {
            throw new DocumentException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    public byte[] read(String name) throws DocumentException {
        long size = size(name);
        if (size > MAX_WHOLE_DOCUMENT) {
            throw new DocumentException(TOO_LARGE, name + " has " + size + " bytes, more than "
                    + MAX_WHOLE_DOCUMENT + ": read it by range");
        }
        return readRange(name, 0, (int) size);
    }

    public byte[] readRange(String name, long offset, int length) throws DocumentException {
        if (offset < 0 || length < 0 || length > MAX_RANGE) {
            throw new DocumentException(INVALID_RANGE, "invalid range: offset " + offset + ", length " + length
                    + " (offset >= 0, 0 <= length <= " + MAX_RANGE + ")");
        }
        Path file = resolve(name);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = channel.size();
            if (offset > size) {
                throw new DocumentException(INVALID_RANGE, "offset " + offset + " is past the end of " + name
                        + " (" + size + " bytes)");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(length, size - offset));
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    break; // the file shrank while we read it
                }
            }
            byte[] bytes = new byte[buffer.position()];
            buffer.flip().get(bytes);
            return bytes;
        } catch (NoSuchFileException e) {
            throw new DocumentException(NOT_FOUND, "no such document: " + name);
        } catch (IOException e) {
            throw new DocumentException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private static void validateName(String name) throws DocumentException {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME || name.equals(".") || name.equals("..")
                || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0) {
            throw new DocumentException(INVALID_NAME, "invalid document name: " + printable(name));
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new DocumentException(INVALID_NAME, "invalid document name: " + printable(name));
            }
        }
    }

    private static String printable(String name) {
        if (name == null) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder("\"");
        name.codePoints().limit(80).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.append('"').toString();
    }
}
