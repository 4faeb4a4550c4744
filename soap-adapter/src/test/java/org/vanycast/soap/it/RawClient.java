package org.vanycast.soap.it;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.vanycast.soap.testutil.Http11;

/** One keep-alive HTTP/1.1 connection spoken by hand, as curl would with a SOAP envelope. */
final class RawClient implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    private final OutputStream out;

    RawClient(int port) throws IOException {
        this(new InetSocketAddress("127.0.0.1", port));
    }

    RawClient(InetSocketAddress server) throws IOException {
        this(server, 32 << 10);
    }

    RawClient(InetSocketAddress server, int receiveBuffer) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(receiveBuffer);
        socket.setSoTimeout(30_000);
        socket.setTcpNoDelay(true);
        socket.connect(server);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void send(String head, byte[] body) throws IOException {
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = java.util.Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        out.write(all);
        out.flush();
    }

    void sendSoap(String operation, String params) throws IOException {
        byte[] body = ("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                + "<soap:Body><t:" + operation + " xmlns:t=\"urn:vanycast:test\">" + params + "</t:" + operation
                + "></soap:Body></soap:Envelope>").getBytes(StandardCharsets.UTF_8);
        send("POST /soap/docs HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml; charset=UTF-8\r\nSOAPAction: \"\"\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n", body);
    }

    String soap(String operation, String params) throws IOException {
        sendSoap(operation, params);
        return readResponse();
    }

    String readResponse() throws IOException {
        Http11.Response r = Http11.read(in);
        if (r.status() != 200) {
            throw new IOException("HTTP " + r.status() + ": " + new String(r.body(), StandardCharsets.UTF_8));
        }
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    void get(String target) throws IOException {
        send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n", new byte[0]);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
