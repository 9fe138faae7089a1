package org.mailhook.server;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

import javax.jms.JMSException;

import org.apache.activemq.blob.BlobDownloadStrategy;
import org.apache.activemq.blob.BlobTransferPolicy;
import org.apache.activemq.blob.BlobUploadStrategy;
import org.apache.activemq.command.ActiveMQBlobMessage;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.queue.activemq.FileSystemBlobStrategy;
import org.apache.james.queue.activemq.FileSystemBlobTransferPolicy;

/**
 * James' blob transfer for its ActiveMQ queues, made durable. James' ActiveMQ queue writes every mail's
 * content to a file under {@code var/store/activemq/blob-transfer/} and only a reference into the
 * KahaDB journal; the journal is fsynced before SMTP answers 250, the content file was not (nor its
 * directory entry), so a power cut could keep the queue entry and lose the mail. Here the content file
 * and its directory are forced to stable storage before the upload returns, that is before the
 * producer commits and before the 250.
 */
public final class DurableBlobTransferPolicy extends FileSystemBlobTransferPolicy {
    private FileSystem fileSystem;
    private DurableBlobStrategy strategy;

    @Override
    @SuppressWarnings("OverridesJavaxInjectableMethod") // built by VmOnlyBroker, which sets it; never by Guice
    public void setFileSystem(FileSystem fileSystem) {
        super.setFileSystem(fileSystem);
        this.fileSystem = fileSystem;
    }

    @Override
    public BlobTransferPolicy copy() {
        DurableBlobTransferPolicy that = new DurableBlobTransferPolicy();
        that.setFileSystem(fileSystem);
        that.setDefaultUploadUrl(getDefaultUploadUrl());
        that.setBrokerUploadUrl(getBrokerUploadUrl());
        that.setUploadUrl(getUploadUrl());
        return that;
    }

    @Override
    protected BlobDownloadStrategy createDownloadStrategy() {
        return strategy();
    }

    @Override
    protected BlobUploadStrategy createUploadStrategy() {
        return strategy();
    }

    private synchronized DurableBlobStrategy strategy() {
        if (strategy == null) {
            strategy = new DurableBlobStrategy(this, fileSystem);
        }
        return strategy;
    }

    static final class DurableBlobStrategy extends FileSystemBlobStrategy {
        DurableBlobStrategy(BlobTransferPolicy policy, FileSystem fileSystem) {
            super(policy, fileSystem, 10);
        }

        @Override
        public URL uploadStream(ActiveMQBlobMessage message, InputStream in) throws JMSException, IOException {
            File file = getFile(message);
            try (InputStream source = in; FileOutputStream out = new FileOutputStream(file)) {
                source.transferTo(out);
                out.getChannel().force(true);
            }
            forceDirectory(file.getParentFile());
            return file.toURI().toURL();
        }

        /** The new file's directory entry, which a power cut could otherwise lose with the file. */
        static void forceDirectory(File directory) throws IOException {
            try (FileChannel channel = FileChannel.open(directory.toPath(), StandardOpenOption.READ)) {
                channel.force(true);
            }
        }
    }
}
