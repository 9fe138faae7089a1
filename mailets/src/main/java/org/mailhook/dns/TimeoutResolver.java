package org.mailhook.dns;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Bounds every lookup of a resolver that has no timeout of its own (James' DNSService): a lookup that
 * takes longer, or throws, is a temporary failure, so authentication gives temperror instead of hanging.
 */
public final class TimeoutResolver implements DnsResolver {
    private static final ExecutorService LOOKUPS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "mailhook-dns-lookup");
        thread.setDaemon(true);
        return thread;
    });

    private final DnsResolver delegate;
    private final Duration timeout;

    public TimeoutResolver(DnsResolver delegate, Duration timeout) {
        this.delegate = delegate;
        this.timeout = timeout;
    }

    @Override
    public DnsAnswer<String> txt(String name) {
        return bounded(() -> delegate.txt(name));
    }

    @Override
    public DnsAnswer<InetAddress> a(String name) {
        return bounded(() -> delegate.a(name));
    }

    @Override
    public DnsAnswer<InetAddress> aaaa(String name) {
        return bounded(() -> delegate.aaaa(name));
    }

    @Override
    public DnsAnswer<MxRecord> mx(String name) {
        return bounded(() -> delegate.mx(name));
    }

    @Override
    public DnsAnswer<String> ptr(InetAddress address) {
        return bounded(() -> delegate.ptr(address));
    }

    @Override
    public DnsAnswer<String> cname(String name) {
        return bounded(() -> delegate.cname(name));
    }

    private <T> DnsAnswer<T> bounded(Supplier<DnsAnswer<T>> lookup) {
        Future<DnsAnswer<T>> future = LOOKUPS.submit(lookup::get);
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            future.cancel(true);
            return DnsAnswer.tempFailure();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return DnsAnswer.tempFailure();
        }
    }
}
