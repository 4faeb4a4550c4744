package org.vanycast.mipv6.internal.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs code inside a named network namespace ({@code /run/netns/NAME}, as made by
 * {@code ip netns add}) on a fresh thread that entered it with {@code setns(2)}.
 *
 * <p>Why a thread: a network namespace is a per-thread attribute, and every socket keeps
 * the namespace it was created in. So a test JVM can open sockets, NFQUEUE handles and
 * libnftables contexts inside several namespaces and then use them from any thread,
 * without forking a process per namespace.
 */
public final class NetNs {
    private static final Path RUN_NETNS = Path.of("/run/netns");

    private NetNs() {
    }

    public static Path path(String name) {
        return RUN_NETNS.resolve(name);
    }

    public static boolean exists(String name) {
        return Files.exists(path(name));
    }

    /** Calls {@code body} inside namespace {@code name}; null or empty means the caller's. */
    public static <T> T call(String name, Callable<T> body) throws Exception {
        if (name == null || name.isEmpty()) {
            return body.call();
        }
        FutureTask<T> task = new FutureTask<>(() -> {
            enter(name);
            return body.call();
        });
        Thread t = new Thread(task, "netns-" + name);
        t.setDaemon(true);
        t.start();
        try {
            return task.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof Exception ex) {
                throw ex;
            }
            throw new IllegalStateException(c);
        }
    }

    /**
     * Starts a long-running daemon thread inside namespace {@code name}; if entering fails the
     * thread ends and the failure is passed to {@code onFailure}.
     */
    public static Thread start(String name, String threadName, Runnable body,
                               java.util.function.Consumer<Exception> onFailure) {
        Thread t = new Thread(() -> {
            try {
                if (name != null && !name.isEmpty()) {
                    enter(name);
                }
            } catch (NativeException e) {
                onFailure.accept(e);
                return;
            }
            body.run();
        }, threadName);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Moves the calling thread into namespace {@code name}. */
    public static void enter(String name) throws NativeException {
        String p = path(name).toString();
        int fd = LibC.INSTANCE.open(p, LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw new NativeException("open(" + p + ")", com.sun.jna.Native.getLastError());
        }
        try {
            int rc = LibC.INSTANCE.setns(fd, LibC.CLONE_NEWNET);
            if (rc < 0) {
                throw new NativeException("setns(" + p + ")", com.sun.jna.Native.getLastError());
            }
        } finally {
            LibC.INSTANCE.close(fd);
        }
    }
}
