package org.mailhook.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import javax.inject.Inject;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.server.core.configuration.Configuration.ConfigurationPath;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.server.core.configuration.FileConfigurationProvider;
import org.apache.james.utils.ClassName;
import org.apache.james.utils.ExtendedClassLoader;
import org.apache.james.utils.ExtensionConfiguration;
import org.apache.james.utils.GuiceGenericLoader;
import org.apache.james.utils.PropertiesProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.mailets.Repositories;

import com.google.inject.Guice;
import com.google.inject.Injector;

class MailhookSettingsTest {

    @Test
    void withoutTheFileEveryRepositoryIsTheMailetsDefault() {
        MailhookSettings settings = MailhookSettings.defaults();
        assertThat(settings.archiveRepository()).isEqualTo(Repositories.ARCHIVE);
        assertThat(settings.webhookQueue()).isEqualTo(Repositories.WEBHOOK_QUEUE);
        assertThat(settings.deadLetterRepository()).isEqualTo(Repositories.DEAD_LETTERS);
        assertThat(settings.deliveredRepository()).contains(Repositories.DELIVERED);
        assertThat(settings.addressesRepository()).isEqualTo(Repositories.INSTANT_ADDRESSES);
        assertThat(settings.parkedRepository()).isEqualTo(Repositories.PARKED_PREFIX + Repositories.WEBHOOK_QUEUE + "/");
        assertThat(settings.canary().to()).isEqualTo("canary@localhost");
    }

    @Test
    void keysAreReadWithTheOneParserAndBlankMeansNotSet() {
        MailhookSettings settings = settings(Map.of("pull.settle", "500ms", "health.queue.maxAge", " ", "health.deadLetters.max", "3",
            "webhook.deliveredRepository", "", "addresses.domain", "in.example", "webadmin.allowedHosts", " proxy.example, ,api.example:8443 ",
            "canary.enabled", "yes", "smtp.minFreeBytes", "512M"));
        assertThat(settings.pullSettle()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.queueMaxAge()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.deadLettersMax()).isEqualTo(3);
        assertThat(settings.deliveredRepository()).as("present and empty: not recorded").isEmpty();
        assertThat(settings.allowedHosts()).containsExactly("proxy.example", "api.example:8443");
        assertThat(settings.canary().enabled()).isTrue();
        assertThat(settings.canary().to()).isEqualTo("canary@in.example");
        assertThat(settings.minFreeBytes()).hasValue(512L << 20);
    }

    @Test
    void aBadValueNamesTheFileTheKeyAndTheForm() {
        assertThatThrownBy(() -> settings(Map.of("pull.settle", "soon")))
            .hasMessageStartingWith("mailhook.properties: pull.settle: 'soon' is not");
        assertThatThrownBy(() -> settings(Map.of("health.endpoint.failingAttempts", "five")))
            .hasMessage("mailhook.properties: health.endpoint.failingAttempts: 'five' is not a whole number (at least 1)");
        assertThatThrownBy(() -> settings(Map.of("canary.smtpPort", "70000")))
            .hasMessage("mailhook.properties: canary.smtpPort: '70000' is not a whole number (1..65535)");
        assertThatThrownBy(() -> settings(Map.of("canary.enabled", "maybe")))
            .hasMessage("mailhook.properties: canary.enabled: 'maybe' is not true or false");
        assertThatThrownBy(() -> settings(Map.of("webhook.allowCidrs", "everything")))
            .hasMessageStartingWith("mailhook.properties: webhook.allowCidrs");
    }

    @Test
    void theDriftWatchIsOffWithoutDomainsAndNeedsAnEndpointTheAddressPolicyAllows() {
        assertThat(MailhookSettings.defaults().drift().enabled()).isFalse();
        Map<String, String> watch = Map.of("drift.domains", "Example.COM., example.org", "drift.dkimSelectors", "s1 s2",
            "drift.interval", "15m", "drift.dnsServers", "192.0.2.53:5353, 192.0.2.54", "drift.url", "https://alerts.example/dns",
            "drift.secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        DnsDriftWatcher.Settings drift = settings(watch).drift();
        assertThat(drift.domains()).containsExactly("example.com", "example.org");
        assertThat(drift.dkimSelectors()).containsExactly("s1", "s2");
        assertThat(drift.interval()).isEqualTo(Duration.ofMinutes(15));
        assertThat(drift.dnsServer()).contains("192.0.2.53:5353");
        assertThat(drift.endpoint().orElseThrow().url().host()).isEqualTo("alerts.example");

        assertThatThrownBy(() -> settings(Map.of("drift.domains", "example.com")))
            .hasMessage("mailhook.properties: drift.url: required when drift.domains is set (where drift events are posted)");
        assertThatThrownBy(() -> settings(without(watch, "drift.secret")))
            .hasMessage("mailhook.properties: drift.secret: required with drift.url (whsec_…)");
        assertThatThrownBy(() -> settings(with(watch, "drift.secret", "hunter2-secret")))
            .hasMessageStartingWith("mailhook.properties: drift.secret: ").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> settings(with(watch, "drift.dnsServers", "ns.example")))
            .hasMessage("mailhook.properties: drift.dnsServers: 'ns.example' is not a resolver IP[:PORT] or [IPv6]:PORT");
        assertThatThrownBy(() -> settings(with(watch, "drift.url", "http://10.0.0.5/dns")))
            .hasMessageStartingWith("mailhook.properties: drift.url: host '10.0.0.5': ").hasMessageContaining("private");
        assertThat(settings(with(with(watch, "drift.url", "http://127.0.0.1:9/dns"), "webhook.allowLoopback", "true")).drift().endpoint())
            .as("the same opt-ins as minted URLs").isPresent();
    }

    private static Map<String, String> with(Map<String, String> keys, String key, String value) {
        Map<String, String> changed = new java.util.HashMap<>(keys);
        changed.put(key, value);
        return changed;
    }

    private static Map<String, String> without(Map<String, String> keys, String key) {
        Map<String, String> changed = new java.util.HashMap<>(keys);
        changed.remove(key);
        return changed;
    }

    @Test
    void theShippedFilesNameTheSameRepositories() throws Exception {
        Properties shipped = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("../conf/mailhook.properties"))) {
            shipped.load(reader);
        }
        // ${env:…} is rendered by the server's main; no repository key uses it
        MailhookSettings settings = new MailhookSettings(key -> Optional.ofNullable(shipped.getProperty(key))
            .filter(value -> !value.contains("${")).orElse(null));
        try (InputStream xml = Files.newInputStream(Path.of("../conf/mailetcontainer.xml"))) {
            settings.checkAgreesWith(FileConfigurationProvider.getConfig(xml));
        }
    }

    @Test
    void aMailetNamingAnotherRepositoryStopsStartupNamingBothFilesAndKeys() {
        MailhookSettings settings = settings(Map.of("archive.repository", "memory://var/mail/archive/"));
        assertThatThrownBy(() -> settings.checkAgreesWith(container(archive("mailhook://var/mail/archive/"))))
            .hasMessage("mailhook.properties: archive.repository: 'memory://var/mail/archive/' is not what mailetcontainer.xml Archive"
                + " <repositoryPath> names ('mailhook://var/mail/archive/'): name the same repository in both");
        settings.checkAgreesWith(container(archive("memory://var/mail/archive/")));
        assertThatThrownBy(() -> settings.checkAgreesWith(container("<mailet match=\"All\" class=\"org.mailhook.mailets.Archive\"/>")))
            .as("an absent parameter is the mailet's default").hasMessageContaining("('mailhook://var/mail/archive/')");
    }

    @Test
    void theWebhookDeliveryOnTheQueueMustUseTheSameRepositories() {
        MailhookSettings settings = MailhookSettings.defaults();
        settings.checkAgreesWith(container(delivery("")));
        settings.checkAgreesWith(container(delivery("<queue>other</queue><deadLetterRepository>memory://x/</deadLetterRepository>"),
            delivery("<instantAddresses>mailhook://var/mail/instant-addresses/</instantAddresses>")));
        assertThatThrownBy(() -> settings.checkAgreesWith(container(delivery("<deadLetterRepository>memory://x/</deadLetterRepository>"))))
            .hasMessageStartingWith("mailhook.properties: webhook.deadLetterRepository: 'mailhook://var/mail/webhook-dead-letters/' is not what"
                + " mailetcontainer.xml WebhookDelivery <deadLetterRepository> names ('memory://x/')");
        assertThatThrownBy(() -> settings.checkAgreesWith(container(delivery("<deliveredRepository></deliveredRepository>"))))
            .hasMessageContaining("webhook.deliveredRepository").hasMessageContaining("<deliveredRepository>");
        assertThatThrownBy(() -> settings.checkAgreesWith(container(delivery("<parkedRepository>memory://p/</parkedRepository>"))))
            .hasMessageContaining("webhook.parkedRepository").hasMessageContaining("<parkedRepository>");
        assertThatThrownBy(() -> settings.checkAgreesWith(container(delivery("<instantAddresses>memory://a/</instantAddresses>"))))
            .hasMessageContaining("addresses.repository").hasMessageContaining("<instantAddresses>");
        assertThatThrownBy(() -> settings.checkAgreesWith(container(delivery("<queue>other</queue>"))))
            .hasMessage("mailhook.properties: webhook.queue: 'mailhook-webhooks' is not the <queue> of any WebhookDelivery in"
                + " mailetcontainer.xml (other): name the same queue in both");
    }

    /** James creates routes and health checks with GuiceGenericLoader, mailets and hooks in a child injector of it. */
    @Test
    void everyClassJamesLoadsSharesOneInstance(@TempDir Path home) throws Exception {
        Injector james = Guice.createInjector(binder -> {
            binder.bind(PropertiesProvider.class).toInstance(new PropertiesProvider(fileSystem(home), new ConfigurationPath("file://conf/")));
            binder.bind(ConfigurationProvider.class).toInstance((name, level) -> FileConfigurationProvider.EMPTY_CONFIGURATION);
        });
        GuiceGenericLoader loader = new GuiceGenericLoader(james, new ExtendedClassLoader(fileSystem(home)), ExtensionConfiguration.DEFAULT);
        Needs route = loader.instantiate(new ClassName(Needs.class.getName()));
        Needs check = loader.instantiate(new ClassName(Needs.class.getName()));
        Needs mailet = loader.<Needs>withChildModule(binder -> { }).instantiate(new ClassName(Needs.class.getName()));
        assertThat(route).isNotSameAs(check);
        assertThat(List.of(check.settings, mailet.settings)).allSatisfy(settings -> assertThat(settings).isSameAs(route.settings));
    }

    /** Stands for a route, health check or mailet that injects the settings. */
    static class Needs {
        final MailhookSettings settings;

        @Inject
        Needs(MailhookSettings settings) {
            this.settings = settings;
        }
    }

    private static FileSystem fileSystem(Path home) {
        return new FileSystem() {
            @Override
            public InputStream getResource(String url) throws java.io.IOException {
                return Files.newInputStream(getFile(url).toPath());
            }

            @Override
            public File getFile(String url) {
                return home.resolve(url.replaceFirst("^file://", "")).toFile();
            }

            @Override
            public File getBasedir() {
                return home.toFile();
            }
        };
    }

    private static String delivery(String parameters) {
        return "<mailet match=\"All\" class=\"org.mailhook.mailets.WebhookDelivery\">" + parameters + "</mailet>";
    }

    private static String archive(String path) {
        return "<mailet match=\"All\" class=\"org.mailhook.mailets.Archive\"><repositoryPath>" + path + "</repositoryPath></mailet>";
    }

    private static HierarchicalConfiguration<ImmutableNode> container(String... mailets) {
        String xml = "<mailetcontainer><processors><processor state=\"mailhook\">" + String.join("", mailets)
            + "</processor></processors></mailetcontainer>";
        try {
            return FileConfigurationProvider.getConfig(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static MailhookSettings settings(Map<String, String> keys) {
        return new MailhookSettings(new HashMap<>(keys)::get);
    }
}
