package org.mailhook.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.james.blob.api.BlobId;
import org.apache.james.blob.api.BucketName;
import org.apache.james.blob.api.HashBlobId;
import org.apache.james.blob.api.ObjectNotFoundException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class FileBlobStoreDAOTest {
    private static final BucketName BUCKET = BucketName.of("mail-queue");
    private final HashBlobId.Factory ids = new HashBlobId.Factory();

    @TempDir
    Path root;

    @Test
    void aBlobWrittenByOneStoreIsReadByAnotherOnTheSameDirectory() throws Exception {
        byte[] mime = "Subject: hello\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);
        BlobId id = ids.forPayload(mime);
        Mono.from(new FileBlobStoreDAO(root, ids).save(BUCKET, id, mime)).block();

        FileBlobStoreDAO otherNode = new FileBlobStoreDAO(root, ids);
        assertThat(Mono.from(otherNode.readBytes(BUCKET, id)).block()).isEqualTo(mime);
        try (InputStream in = otherNode.read(BUCKET, id)) {
            assertThat(in.readAllBytes()).isEqualTo(mime);
        }
        assertThat(Flux.from(otherNode.listBlobs(BUCKET)).collectList().block()).containsExactly(id);
        assertThat(Flux.from(otherNode.listBuckets()).collectList().block()).containsExactly(BUCKET);
    }

    @Test
    void idsThatLookLikePathsStayInsideTheirBucket() throws Exception {
        FileBlobStoreDAO store = new FileBlobStoreDAO(root.resolve("blobs"), ids);
        List<String> awkward = List.of("../escape", "a/b", ".hidden", "..", "x*y");
        for (String name : awkward) {
            Mono.from(store.save(BUCKET, ids.from(name), new ByteArrayInputStream(name.getBytes(StandardCharsets.UTF_8)))).block();
        }
        for (String name : awkward) {
            assertThat(new String(Mono.from(store.readBytes(BUCKET, ids.from(name))).block(), StandardCharsets.UTF_8)).isEqualTo(name);
        }
        try (Stream<Path> files = Files.list(root)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly("blobs");
        }
        assertThat(Flux.from(store.listBlobs(BUCKET)).map(BlobId::asString).collectList().block()).containsExactlyInAnyOrderElementsOf(awkward);
    }

    @Test
    void deletedAndMissingBlobsAreNotFound() {
        FileBlobStoreDAO store = new FileBlobStoreDAO(root, ids);
        BlobId id = ids.forPayload(new byte[] {1, 2, 3});
        Mono.from(store.save(BUCKET, id, new byte[] {1, 2, 3})).block();
        Mono.from(store.delete(BUCKET, id)).block();

        assertThatThrownBy(() -> store.read(BUCKET, id)).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> Mono.from(store.readBytes(BUCKET, id)).block()).isInstanceOf(ObjectNotFoundException.class);
        assertThat(Flux.from(store.listBlobs(BUCKET)).collectList().block()).isEmpty();
        Mono.from(store.deleteBucket(BUCKET)).block();
        assertThat(Flux.from(store.listBuckets()).collectList().block()).isEmpty();
    }
}
