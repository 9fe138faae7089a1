package org.mailhook.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.james.JamesServerBuilder;
import org.apache.james.JamesServerExtension;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;

import com.google.inject.Module;

/**
 * An in-process James 3.8.1 memory server for mailet tests ({@link JamesServerExtension}): SMTP on a
 * free loopback port, domain {@code inbound.localhost}, in-memory queues and repositories, and a
 * {@code mailhook} processor whose mailets the test supplies. Mail for the domain goes through the
 * same root/transport/error processors as the shipped conf/mailetcontainer.xml.
 */
public final class JamesTestServer {
    public static final String DOMAIN = "inbound.localhost";

    private final int smtpPort;
    private final String mailhookProcessor;
    private final java.util.Map<String, String> extraConf = new java.util.LinkedHashMap<>();

    private JamesTestServer(String mailhookProcessor) {
        this.smtpPort = freePort();
        this.mailhookProcessor = mailhookProcessor;
    }

    /** @param mailhookProcessor the {@code <mailet …/>} elements of the {@code mailhook} processor */
    public static JamesTestServer withMailhookProcessor(String mailhookProcessor) {
        return new JamesTestServer(mailhookProcessor);
    }

    /** Adds or replaces a file of the server's conf/ (e.g. webadmin.properties to enable WebAdmin). */
    public JamesTestServer withConf(String fileName, String content) {
        extraConf.put(fileName, content);
        return this;
    }

    public int smtpPort() {
        return smtpPort;
    }

    /** A per-class server; {@code overrides} replace James bindings (e.g. DNSService). */
    public JamesServerExtension extension(Module... overrides) {
        JamesServerBuilder<MemoryJamesConfiguration> builder = new JamesServerBuilder<MemoryJamesConfiguration>(this::configuration)
            .server(configuration -> MemoryJamesServerMain.createServer(configuration))
            .lifeCycle(JamesServerExtension.Lifecycle.PER_CLASS);
        for (Module module : overrides) {
            builder.overrideServerModule(module);
        }
        return builder.build();
    }

    private MemoryJamesConfiguration configuration(File workingDirectory) {
        Path conf = workingDirectory.toPath().resolve("conf");
        try {
            Files.createDirectories(conf);
            write(conf, "smtpserver.xml", """
                <smtpservers><smtpserver enabled="true">
                  <jmxName>smtpserver-test</jmxName>
                  <bind>127.0.0.1:%d</bind>
                  <tls socketTLS="false" startTLS="false"/>
                  <auth><announce>never</announce></auth>
                  <verifyIdentity>false</verifyIdentity>
                  <maxmessagesize>0</maxmessagesize>
                  <handlerchain><handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/></handlerchain>
                </smtpserver></smtpservers>""".formatted(smtpPort));
            write(conf, "domainlist.xml", """
                <domainlist><domainnames><domainname>%s</domainname></domainnames>
                <autodetect>false</autodetect><autodetectIP>false</autodetectIP><defaultDomain>%s</defaultDomain></domainlist>"""
                .formatted(DOMAIN, DOMAIN));
            write(conf, "mailrepositorystore.xml", """
                <mailrepositorystore><defaultProtocol>memory</defaultProtocol><mailrepositories>
                  <mailrepository class="org.apache.james.mailrepository.memory.MemoryMailRepository">
                    <protocols><protocol>memory</protocol></protocols></mailrepository>
                  <mailrepository class="org.apache.james.mailrepository.file.FileMailRepository">
                    <protocols><protocol>file</protocol></protocols><config FIFO="false" CACHEKEYS="true"/></mailrepository>
                  <mailrepository class="org.mailhook.mailets.repository.RecordMailRepository">
                    <protocols><protocol>mailhook</protocol></protocols><config fsync="true"/></mailrepository>
                </mailrepositories></mailrepositorystore>""");
            write(conf, "webadmin.properties", "enabled=false\n");
            write(conf, "dnsservice.xml", "<dnsservice><autodiscover>true</autodiscover><authoritative>false</authoritative></dnsservice>");
            write(conf, "mailetcontainer.xml", """
                <mailetcontainer enableJmx="false">
                  <context><postmaster>postmaster@%s</postmaster></context>
                  <spooler><threads>4</threads><errorRepository>memory://var/mail/error/</errorRepository></spooler>
                  <processors>
                    <processor state="root" enableJmx="false">
                      <mailet match="All" class="ToProcessor"><processor>transport</processor></mailet>
                    </processor>
                    <processor state="error" enableJmx="false">
                      <mailet match="All" class="ToRepository"><repositoryPath>memory://var/mail/error/</repositoryPath></mailet>
                    </processor>
                    <processor state="transport" enableJmx="false">
                      <mailet match="All" class="RemoveMimeHeader"><name>bcc</name></mailet>
                      <mailet match="HostIsLocal" class="ToProcessor"><processor>mailhook</processor></mailet>
                      <mailet match="All" class="ToRepository"><repositoryPath>memory://var/mail/unrouted/</repositoryPath></mailet>
                    </processor>
                    <processor state="mailhook" enableJmx="false">
                %s
                    </processor>
                  </processors>
                </mailetcontainer>""".formatted(DOMAIN, mailhookProcessor));
            for (java.util.Map.Entry<String, String> file : extraConf.entrySet()) {
                write(conf, file.getKey(), file.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return MemoryJamesConfiguration.builder()
            .workingDirectory(workingDirectory)
            .build();
    }

    /** The first mail in a repository whose subject is {@code subject}, or null; others are disposed. */
    public static org.apache.mailet.Mail findBySubject(org.apache.james.GuiceJamesServer server,
                                                      org.apache.james.mailrepository.api.MailRepositoryUrl url,
                                                      String subject) throws Exception {
        org.apache.james.utils.MailRepositoryProbeImpl repositories = server.getProbe(org.apache.james.utils.MailRepositoryProbeImpl.class);
        for (org.apache.james.mailrepository.api.MailKey key : repositories.listMailKeys(url)) {
            org.apache.mailet.Mail mail = repositories.getMail(url, key);
            if (subject.equals(mail.getMessage().getSubject())) {
                return mail;
            }
            org.apache.james.lifecycle.api.LifecycleUtil.dispose(mail);
        }
        return null;
    }

    private static void write(Path conf, String name, String content) throws IOException {
        Files.writeString(conf.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
