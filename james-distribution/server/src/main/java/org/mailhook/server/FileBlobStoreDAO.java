package org.mailhook.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.james.blob.api.BlobId;
import org.apache.james.blob.api.BlobStoreDAO;
import org.apache.james.blob.api.BucketName;
import org.apache.james.blob.api.ObjectNotFoundException;
import org.apache.james.blob.api.ObjectStoreIOException;
import org.reactivestreams.Publisher;

import com.google.common.io.ByteSource;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Blobs as files, {@code ROOT/<bucket>/<blob id>}, so the mail content the RabbitMQ mail queue keeps in the
 * blob store survives a restart and is shared by every James node that mounts {@code ROOT}. James 3.8.1
 * publishes no file blob store ({@code blob-file} starts later), hence this one. A blob is written to a
 * temporary file, forced to disk and renamed into place, and the directory forced after the rename, so
 * a reader never sees half a blob, a crash leaves either the whole blob or none, and a stored blob
 * survives a power cut.
 */
public final class FileBlobStoreDAO implements BlobStoreDAO {
    private static final String TEMPORARY_PREFIX = ".tmp-";

    private final Path root;
    private final BlobId.Factory blobIds;

    public FileBlobStoreDAO(Path root, BlobId.Factory blobIds) {
        this.root = root;
        this.blobIds = blobIds;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the blob directory " + root, e);
        }
    }

    @Override
    public InputStream read(BucketName bucket, BlobId blobId) throws ObjectStoreIOException, ObjectNotFoundException {
        try {
            return Files.newInputStream(file(bucket, blobId));
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException("blob " + blobId.asString() + " not found in bucket " + bucket.asString(), e);
        } catch (IOException e) {
            throw new ObjectStoreIOException("cannot read blob " + blobId.asString(), e);
        }
    }

    @Override
    public Publisher<InputStream> readReactive(BucketName bucket, BlobId blobId) {
        return Mono.fromCallable(() -> read(bucket, blobId)).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Publisher<byte[]> readBytes(BucketName bucket, BlobId blobId) {
        return Mono.fromCallable(() -> {
            try {
                return Files.readAllBytes(file(bucket, blobId));
            } catch (NoSuchFileException e) {
                throw new ObjectNotFoundException("blob " + blobId.asString() + " not found in bucket " + bucket.asString(), e);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Publisher<Void> save(BucketName bucket, BlobId blobId, byte[] data) {
        return save(bucket, blobId, ByteSource.wrap(data));
    }

    @Override
    public Publisher<Void> save(BucketName bucket, BlobId blobId, InputStream data) {
        return Mono.<Void>fromRunnable(() -> write(bucket, blobId, data)).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Publisher<Void> save(BucketName bucket, BlobId blobId, ByteSource data) {
        return Mono.<Void>fromRunnable(() -> {
            try (InputStream in = data.openStream()) {
                write(bucket, blobId, in);
            } catch (IOException e) {
                throw new ObjectStoreIOException("cannot read the content of blob " + blobId.asString(), e);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private void write(BucketName bucket, BlobId blobId, InputStream data) {
        Path target = file(bucket, blobId);
        Path temporary = target.resolveSibling(TEMPORARY_PREFIX + UUID.randomUUID());
        try {
            Files.createDirectories(target.getParent());
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                data.transferTo(java.nio.channels.Channels.newOutputStream(channel));
                channel.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            // The rename is a directory change: without this a power cut may keep the old directory.
            try (FileChannel directory = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                directory.force(true);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // the write failure below is what matters
            }
            throw new ObjectStoreIOException("cannot write blob " + blobId.asString(), e);
        }
    }

    @Override
    public Publisher<Void> delete(BucketName bucket, BlobId blobId) {
        return Mono.<Void>fromRunnable(() -> {
            try {
                Files.deleteIfExists(file(bucket, blobId));
            } catch (IOException e) {
                throw new ObjectStoreIOException("cannot delete blob " + blobId.asString(), e);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Publisher<Void> delete(BucketName bucket, Collection<BlobId> blobIds) {
        return Flux.fromIterable(blobIds).concatMap(blobId -> delete(bucket, blobId)).then();
    }

    @Override
    public Publisher<Void> deleteBucket(BucketName bucket) {
        return Mono.<Void>fromRunnable(() -> {
            Path directory = bucketDirectory(bucket);
            if (!Files.isDirectory(directory)) {
                return;
            }
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(directory);
            } catch (IOException e) {
                throw new ObjectStoreIOException("cannot delete bucket " + bucket.asString(), e);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Publisher<BucketName> listBuckets() {
        return Flux.defer(() -> Flux.fromIterable(names(root)).map(BucketName::of)).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Publisher<BlobId> listBlobs(BucketName bucket) {
        return Flux.defer(() -> Flux.fromIterable(names(bucketDirectory(bucket))).map(blobIds::from)).subscribeOn(Schedulers.boundedElastic());
    }

    private static List<String> names(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(path -> path.getFileName().toString())
                .filter(name -> !name.startsWith(TEMPORARY_PREFIX))
                .map(name -> URLDecoder.decode(name, StandardCharsets.UTF_8))
                .toList();
        } catch (IOException e) {
            throw new ObjectStoreIOException("cannot list " + directory, e);
        }
    }

    private Path bucketDirectory(BucketName bucket) {
        return root.resolve(fileName(bucket.asString()));
    }

    private Path file(BucketName bucket, BlobId blobId) {
        return bucketDirectory(bucket).resolve(fileName(blobId.asString()));
    }

    /** Ids and bucket names become one safe file name each (no separators, no "..", no leading dot). */
    private static String fileName(String name) {
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("*", "%2A");
        return encoded.startsWith(".") ? "%2E" + encoded.substring(1) : encoded;
    }
}
