package org.vanycast.soap.internal;

import org.vanycast.soap.spi.AdoptionTarget;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.spi.AppStateCodec;
import org.vanycast.soap.api.HandoffFeature;
import org.vanycast.soap.api.HandoffSettings;
import org.vanycast.soap.api.RecordedRequest;
import org.vanycast.soap.api.ResumableResponse;
import org.vanycast.soap.api.SoapHandoff;

/** The node's SOAP/HTTP handoff adapter: settings, tracked connections, resumables, connectors. */
public final class DefaultSoapHandoff implements SoapHandoff, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultSoapHandoff.class);

    private volatile HandoffSettings settings;
    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final List<ResumableResponse> resumables = new CopyOnWriteArrayList<>();
    private final List<AdoptionTarget> targets = new CopyOnWriteArrayList<>();
    private final ExecutorService continuations;
    private final HttpAppStateCodec codec;
    private final HandoffFeature feature;
    private final CompletableFuture<Void> warmedUp;

    public DefaultSoapHandoff(HandoffSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        AtomicInteger n = new AtomicInteger();
        this.continuations = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "vanycast-soap-continuation-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.codec = new HttpAppStateCodec(this);
        this.feature = new HandoffFeature(this);
        this.warmedUp = codec.warmUp();
    }

    /** The take-over warm-up started when this was made (tests). */
    CompletableFuture<Void> warmedUp() {
        return warmedUp;
    }

    @Override
    public HandoffSettings settings() {
        return settings;
    }

    @Override
    public void update(HandoffSettings newSettings) {
        settings = Objects.requireNonNull(newSettings, "settings");
    }

    @Override
    public AppStateCodec codec() {
        return codec;
    }

    /** The codec with the acceptor's asynchronous continuation visible (tests, benchmarks). */
    public HttpAppStateCodec httpCodec() {
        return codec;
    }

    @Override
    public HandoffFeature feature() {
        return feature;
    }

    @Override
    public AutoCloseable register(ResumableResponse resumable) {
        resumables.add(Objects.requireNonNull(resumable, "resumable"));
        return () -> resumables.remove(resumable);
    }

    public ConnectionRegistry registry() {
        return registry;
    }

    ExecutorService continuations() {
        return continuations;
    }

    /** The name of the first declaration that covers the request, or null. */
    public String resolve(RecordedRequest request) {
        for (ResumableResponse r : resumables) {
            try {
                if (r.covers(request)) {
                    return r.name();
                }
            } catch (RuntimeException e) {
                LOG.warn("resumable response {} failed on {}", r.name(), request, e);
            }
        }
        return null;
    }

    public ResumableResponse resumable(String name) {
        for (ResumableResponse r : resumables) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    @Override
    public void addAdoptionTarget(AdoptionTarget target) {
        targets.add(target);
    }

    @Override
    public void removeAdoptionTarget(AdoptionTarget target) {
        targets.remove(target);
    }

    AdoptionTarget targetFor(InetSocketAddress local) {
        for (AdoptionTarget t : targets) {
            if (t.serves(local)) {
                return t;
            }
        }
        return null;
    }

    @Override
    public void close() {
        continuations.shutdownNow();
    }
}
