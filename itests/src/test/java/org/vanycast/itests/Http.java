package org.vanycast.itests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Plain JDK HTTP for the tests (it also runs inside the frameworks, as part of the probe). */
public final class Http {

    public static final String NAMESPACE = "urn:vanycast:sample:content";

    private Http() {
    }

    /** Status and body of one exchange. */
    public static final class Response {
        public final int status;
        public final String body;

        Response(int status, String body) {
            this.status = status;
            this.body = body;
        }
    }

    public static String envelope(String operation, String body) {
        return "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><c:" + operation
                + " xmlns:c=\"" + NAMESPACE + "\">" + body + "</c:" + operation + "></soap:Body></soap:Envelope>";
    }

    public static Response post(String url, String envelope) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setConnectTimeout(10_000);
        c.setReadTimeout(30_000);
        c.setDoOutput(true);
        c.setRequestMethod("POST");
        c.setRequestProperty("Content-Type", "text/xml; charset=utf-8");
        c.setRequestProperty("SOAPAction", "\"\"");
        try (OutputStream out = c.getOutputStream()) {
            out.write(envelope.getBytes(StandardCharsets.UTF_8));
        }
        return read(c);
    }

    public static Response get(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setConnectTimeout(10_000);
        c.setReadTimeout(30_000);
        return read(c);
    }

    private static Response read(HttpURLConnection c) throws IOException {
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (in != null) {
            try (in) {
                in.transferTo(bytes);
            }
        }
        return new Response(status, bytes.toString(StandardCharsets.UTF_8));
    }

    /** Posts until the answer is 200 (endpoints appear a moment after their bundle starts). */
    public static Response postUntilOk(String url, String envelope, long timeoutMillis)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                Response r = post(url, envelope);
                if (r.status == 200) {
                    return r;
                }
                last = "HTTP " + r.status + " " + r.body;
            } catch (IOException e) {
                last = e.toString();
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError(url + " did not answer 200 within " + timeoutMillis + " ms: " + last);
    }

    /** Text of the first element with this local name, or null. */
    public static String value(String xml, String localName) {
        Matcher m = Pattern.compile("<(?:[\\w.-]+:)?" + localName + ">([^<]*)</").matcher(xml);
        return m.find() ? m.group(1) : null;
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
