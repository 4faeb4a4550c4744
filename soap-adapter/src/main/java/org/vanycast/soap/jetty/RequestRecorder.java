package org.vanycast.soap.jetty;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.Request;
import org.vanycast.soap.api.HandoffSettings;
import org.vanycast.soap.api.RecordedRequest;
import org.vanycast.soap.api.RecordedRequest.Header;
import org.vanycast.soap.internal.TrackedConnection;

/** Tells each connection's tracker where its requests begin and end, for every request Jetty serves. */
final class RequestRecorder implements HttpChannel.Listener {
    private final java.util.function.Supplier<HandoffSettings> settings;

    RequestRecorder(java.util.function.Supplier<HandoffSettings> settings) {
        this.settings = settings;
    }

    private static TrackedConnection tracked(Request request) {
        return request.getHttpChannel().getEndPoint() instanceof HandoffEndPoint e ? e.tracked() : null;
    }

    @Override
    public void onRequestBegin(Request request) {
        TrackedConnection t = tracked(request);
        if (t == null) {
            return;
        }
        List<Header> headers = new ArrayList<>();
        boolean hasBody = false;
        for (HttpField f : request.getHttpFields()) {
            headers.add(new Header(f.getName(), f.getValue()));
            String n = f.getName();
            if (n.equalsIgnoreCase("Transfer-Encoding")
                    || n.equalsIgnoreCase("Content-Length") && !"0".equals(f.getValue().trim())) {
                hasBody = true;
            }
        }
        String target = request.getHttpURI().getPathQuery();
        RecordedRequest r = new RecordedRequest(request.getMethod(), target == null ? "/" : target, headers,
                new byte[0], !hasBody);
        String path = request.getHttpURI().getPath();
        t.requestBegin(r, settings.get().takesPart(path == null ? "/" : path));
    }

    @Override
    public void onRequestContent(Request request, java.nio.ByteBuffer content) {
        TrackedConnection t = tracked(request);
        if (t != null) {
            t.requestContent(content, settings.get().maxRequestBody());
        }
    }

    @Override
    public void onRequestContentEnd(Request request) {
        TrackedConnection t = tracked(request);
        if (t != null) {
            t.requestContentEnd();
        }
    }

    @Override
    public void onRequestEnd(Request request) {
        TrackedConnection t = tracked(request);
        if (t != null) {
            t.requestEnd();
        }
    }

    @Override
    public void onComplete(Request request) {
        TrackedConnection t = tracked(request);
        if (t != null) {
            t.exchangeComplete();
        }
    }
}
