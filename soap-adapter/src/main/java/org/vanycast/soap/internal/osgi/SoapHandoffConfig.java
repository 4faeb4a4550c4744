package org.vanycast.soap.internal.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Keys of {@code etc/org.vanycast.soap.cfg}; DS maps {@code a_b} to the key {@code a.b}. */
@ObjectClassDefinition(name = "Vanycast SOAP/HTTP handoff",
        description = "Which HTTP/CXF endpoints take part in connection handoff, and its limits.")
public @interface SoapHandoffConfig {

    // Lists are String[] and may also be given as one comma-separated string: a .cfg file
    // (FileInstall, Karaf) only holds strings.
    @AttributeDefinition(description = "Path patterns of the endpoints that take part (a trailing * matches any "
            + "rest, * alone matches all). A connection that served any other path is never handed off.")
    String[] endpoints() default {"*"};

    @AttributeDefinition(description = "Local ports whose connections are handed off; empty means every port of a "
            + "Vanycast connector.")
    String[] ports() default {};

    @AttributeDefinition(description = "Whether a response declared resumable may be cut mid-body and continued "
            + "on the acceptor. When false, every response in progress is waited for.")
    boolean mid_response() default true;

    @AttributeDefinition(description = "Longest wait, in milliseconds, for a point where a connection can move "
            + "(the coordinator's own timeout applies if shorter).")
    long capture_timeout_ms() default 2000;

    @AttributeDefinition(description = "Request body bytes kept per request; a longer request cannot be replayed "
            + "on another node (at most 16 MiB).")
    int max_request_body() default 65536;

    @AttributeDefinition(description = "Longest response header followed on the wire (256 B to 1 MiB).")
    int max_response_head() default 16384;

    @AttributeDefinition(description = "Chunk size for continuing a chunked body on the acceptor (1 B to 1 MiB).")
    int continuation_chunk() default 16384;

    @AttributeDefinition(description = "Milliseconds the donor's HTTP server keeps a handed-off connection "
            + "(silent) before closing its endpoint; must exceed the TCP migrator's release grace.")
    long forget_delay_ms() default 2500;

    @AttributeDefinition(description = "Publish the Vanycast Jetty connector to Felix HTTP Jetty as a "
            + "ConnectorFactory (off when the node container creates the connector itself).")
    boolean connector_enabled() default false;

    @AttributeDefinition(description = "Address the Vanycast connector listens on (the logical address X).")
    String connector_host() default "::";

    @AttributeDefinition(description = "Port of the Vanycast connector.")
    int connector_port() default 8080;
}
