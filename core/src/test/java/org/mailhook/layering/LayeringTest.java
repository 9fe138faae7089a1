package org.mailhook.layering;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The core is plain Java: the engines never see James, the Mailet API or JavaMail, so the CLI and the
 * tests run them without a server and the adapters stay thin. Inside the core each engine may use only
 * the engines listed here; a new arrow is a design decision, made by editing this test. Every engine
 * may read its parameters with {@code config}, which itself uses no other engine.
 */
class LayeringTest {

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.mailhook");
    }

    @Test
    void engines_never_use_james_mailet_or_javamail_types() {
        noClasses().that().resideInAPackage("org.mailhook..")
            .should().dependOnClassesThat(resideInAnyPackage(
                    "org.apache.james..", "org.apache.mailet..", "javax.mail..", "jakarta.mail..",
                    "com.google.inject..", "spark..")
                .and(resideOutsideOfPackage("org.apache.james.mime4j..")))
            .because("the core is the James-free layer; mime4j is a library, not James")
            .check(core);
    }

    @Test
    void leaf_engines_use_no_other_engine() {
        for (String leaf : new String[] {"archive", "codec", "config", "crypto", "disk", "dns", "reports", "spam"}) {
            onlyUses(leaf);
        }
    }

    /** Records are sealed with the same AES-GCM and key files as the server key's secrets: one implementation. */
    @Test
    void record_files_use_only_the_shared_cryptography() {
        onlyUses("store", "crypto");
    }

    @Test
    void the_mime_engine_uses_only_the_report_reader_and_the_body_decoder() {
        onlyUses("json", "reports", "codec");
    }

    /** The scanner decodes parts as the document does, so a part's SHA-256 there names the bytes scanned. */
    @Test
    void the_attachment_scanner_uses_only_the_body_decoder() {
        onlyUses("attachments", "codec");
    }

    @Test
    void the_recipient_callback_signs_and_sends_as_webhooks_do() {
        onlyUses("recipients", "webhook");
    }

    @Test
    void webhook_delivery_uses_only_the_json_document_and_the_shared_cryptography() {
        onlyUses("webhook", "json", "crypto");
    }

    @Test
    void reparse_uses_only_the_json_document() {
        onlyUses("reparse", "json");
    }

    @Test
    void authentication_uses_only_dns() {
        onlyUses("auth", "dns");
    }

    @Test
    void doctor_uses_only_authentication_and_dns() {
        onlyUses("doctor", "auth", "dns");
    }

    @Test
    void drift_watch_reads_dns_only_through_the_doctor() {
        onlyUses("drift", "doctor");
    }

    private static void onlyUses(String engine, String... allowed) {
        String[] packages = new String[allowed.length + 2];
        packages[0] = "org.mailhook." + engine + "..";
        packages[1] = engine.equals("config") ? packages[0] : "org.mailhook.config..";
        for (int i = 0; i < allowed.length; i++) {
            packages[i + 2] = "org.mailhook." + allowed[i] + "..";
        }
        classes().that().resideInAPackage("org.mailhook." + engine + "..")
            .should().onlyDependOnClassesThat(resideOutsideOfPackage("org.mailhook..").or(resideInAnyPackage(packages)))
            .check(core);
    }
}
