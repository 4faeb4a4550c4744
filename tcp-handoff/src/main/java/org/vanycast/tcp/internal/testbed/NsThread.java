package org.vanycast.tcp.internal.testbed;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.vanycast.tcp.internal.kernel.NetNamespace;

/**
 * A thread living in one network namespace (setns on itself only). Sockets it creates belong
 * to that namespace for good; threads it starts inherit the namespace. This is how the
 * testbed runs "nodes" and a client inside one JVM without forking a JVM per namespace.
 */
public final class NsThread implements AutoCloseable {
    private final String namespace;
    private final ExecutorService executor;

    public NsThread(String namespace) throws IOException {
        this.namespace = namespace;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ns-" + namespace);
            t.setDaemon(true);
            return t;
        });
        call(() -> {
            NetNamespace.enter(namespace);
            return null;
        });
    }

    public String namespace() {
        return namespace;
    }

    /** Runs {@code task} in the namespace and waits for it. */
    public <T> T call(Callable<T> task) throws IOException {
        try {
            return executor.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(c);
        }
    }

    /** Starts a new thread in the namespace running {@code task}; the future completes with its result. */
    public <T> Future<T> spawn(String name, Callable<T> task) throws IOException {
        java.util.concurrent.FutureTask<T> f = new java.util.concurrent.FutureTask<>(task);
        call(() -> {
            Thread t = new Thread(f, name);
            t.setDaemon(true);
            t.start(); // created from this thread: inherits its network namespace
            return null;
        });
        return f;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
