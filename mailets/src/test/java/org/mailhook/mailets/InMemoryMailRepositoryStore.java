package org.mailhook.mailets;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryPath;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.mailrepository.api.Protocol;
import org.apache.james.mailrepository.memory.MemoryMailRepository;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.mailhook.mailets.repository.RecordMailRepository;

/**
 * James mail repositories behind the store interface: MemoryMailRepository by default, whatever the
 * URL's protocol, or the repositories a factory makes (e.g. the shipped RecordMailRepository).
 */
public final class InMemoryMailRepositoryStore implements MailRepositoryStore {
    private final Map<MailRepositoryUrl, MailRepository> repositories = new ConcurrentHashMap<>();
    private final Function<MailRepositoryUrl, MailRepository> factory;

    public InMemoryMailRepositoryStore() {
        this(any -> new MemoryMailRepository());
    }

    InMemoryMailRepositoryStore(Function<MailRepositoryUrl, MailRepository> factory) {
        this.factory = factory;
    }

    /** The shipped repository, Mailhook's RecordMailRepository (one file per mail), for every URL, under {@code jamesHome}. */
    public static InMemoryMailRepositoryStore files(Path jamesHome) throws Exception {
        FileSystemImpl fileSystem = new FileSystemImpl(Configuration.builder().workingDirectory(jamesHome.toFile())
            .configurationFromClasspath().build().directories());
        return new InMemoryMailRepositoryStore(url -> {
            try {
                RecordMailRepository repository = new RecordMailRepository(fileSystem, java.util.Optional.empty());
                BaseHierarchicalConfiguration configuration = new BaseHierarchicalConfiguration();
                configuration.addProperty("[@destinationURL]", url.asString());
                repository.configure(configuration);
                repository.init();
                return repository;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Override
    public MailRepository select(MailRepositoryUrl url) {
        return repositories.computeIfAbsent(url, factory);
    }

    @Override
    public Optional<Protocol> defaultProtocol() {
        return Optional.of(new Protocol("memory"));
    }

    @Override
    public Optional<MailRepository> get(MailRepositoryUrl url) {
        return Optional.ofNullable(repositories.get(url));
    }

    @Override
    public Stream<MailRepository> getByPath(MailRepositoryPath path) {
        return repositories.entrySet().stream().filter(e -> e.getKey().getPath().equals(path)).map(Map.Entry::getValue);
    }

    @Override
    public Stream<MailRepositoryUrl> getUrls() {
        return repositories.keySet().stream();
    }
}
