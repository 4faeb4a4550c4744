package org.vanycast.node.internal.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** curl run inside a namespace: the client is a program nobody here wrote. */
public final class Curl {

    /** HTTP status and body of one call. */
    public record Response(int status, String body) {
    }

    private final Namespace ns;

    public Curl(Namespace ns) {
        this.ns = ns;
    }

    public Response soap(String url, String envelope) throws IOException, InterruptedException {
        String out = ns.exec("curl", "-sS", "-g", "--max-time", "30", "-H", "Content-Type: text/xml; charset=utf-8",
                "-H", "SOAPAction: \"\"", "--data-binary", envelope, "-w", "\n%{http_code}", url);
        int newline = out.lastIndexOf('\n');
        return new Response(Integer.parseInt(out.substring(newline + 1).trim()), out.substring(0, newline));
    }

    /**
     * Calls until the endpoint answers 200: the node reports its listeners before the
     * hot-deployed sample bundle has published the endpoint.
     */
    public String soapWhenReady(String url, String envelope, long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                Response response = soap(url, envelope);
                if (response.status() == 200) {
                    return response.body();
                }
                last = "HTTP " + response.status();
            } catch (IOException e) {
                last = e.getMessage();
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IOException(url + " did not answer within " + timeoutMillis + " ms: " + last);
    }

    public void download(String url, Path file) throws IOException, InterruptedException {
        ns.exec("curl", "-sS", "-g", "--fail", "--max-time", "60", "-o", file.toString(), url);
    }
}
