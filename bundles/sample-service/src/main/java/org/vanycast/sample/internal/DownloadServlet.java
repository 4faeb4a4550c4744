package org.vanycast.sample.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.vanycast.sample.api.DocumentInfo;

/**
 * Plain HTTP download of the same documents: {@code GET <path>/<name>} with Content-Length
 * and single-range support; {@code GET <path>/} lists the names, one per line. This is what
 * the paper's 1 MB download experiment and curl use.
 */
public final class DownloadServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final int CHUNK = 64 * 1024;

    private final transient DocumentStore store;

    public DownloadServlet(DocumentStore store) {
        this.store = store;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(request, response, true);
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(request, response, false);
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, boolean body) throws IOException {
        String pathInfo = request.getPathInfo();
        try {
            if (pathInfo == null || pathInfo.equals("/")) {
                list(response, body);
                return;
            }
            String name = pathInfo.substring(1);
            Path file = store.resolve(name);
            long size = store.size(name);
            ByteRange range = ByteRange.parse(request.getHeader("Range"), size);
            response.setHeader("Accept-Ranges", "bytes");
            response.setContentType("application/octet-stream");
            long first = 0;
            long length = size;
            if (range != null) {
                first = range.first();
                length = range.length();
                response.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
                response.setHeader("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
            }
            response.setContentLengthLong(length);
            if (body) {
                copy(file, first, length, response.getOutputStream());
            }
        } catch (ByteRange.UnsatisfiableException e) {
            response.setHeader("Content-Range", "bytes */" + sizeOrZero(pathInfo));
            response.sendError(HttpServletResponse.SC_REQUESTED_RANGE_NOT_SATISFIABLE, e.getMessage());
        } catch (DocumentException e) {
            response.sendError(status(e), e.getMessage());
        }
    }

    private long sizeOrZero(String pathInfo) {
        try {
            return store.size(pathInfo.substring(1));
        } catch (DocumentException e) {
            return 0;
        }
    }

    private void list(HttpServletResponse response, boolean body) throws IOException, DocumentException {
        StringBuilder text = new StringBuilder();
        for (DocumentInfo document : store.list()) {
            text.append(document.getName()).append('\t').append(document.getSize()).append('\n');
        }
        byte[] bytes = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        response.setContentType("text/plain;charset=utf-8");
        response.setContentLength(bytes.length);
        if (body) {
            response.getOutputStream().write(bytes);
        }
    }

    private static void copy(Path file, long first, long length, OutputStream out) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            long position = first;
            long end = first + length;
            while (position < end) {
                buffer.clear().limit((int) Math.min(CHUNK, end - position));
                int n = channel.read(buffer, position);
                if (n < 0) {
                    break; // shrank underneath us: the client sees a short body, not a hang
                }
                out.write(buffer.array(), 0, n);
                position += n;
            }
        }
    }

    static int status(DocumentException e) {
        return switch (e.reason()) {
            case INVALID_NAME, INVALID_RANGE -> HttpServletResponse.SC_BAD_REQUEST;
            case NOT_FOUND -> HttpServletResponse.SC_NOT_FOUND;
            case TOO_LARGE -> HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE;
            case IO_ERROR -> HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        };
    }
}
