package org.mailhook.cli;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The CLI runs the core engines in its own JVM: no James, no mailets, no WebAdmin. */
class CliLayeringTest {

    @Test
    void cli_uses_only_the_core() {
        noClasses().that().resideInAPackage("org.mailhook.cli..")
            .should().dependOnClassesThat(resideInAnyPackage(
                    "org.apache.james..", "org.apache.mailet..", "javax.mail..", "jakarta.mail..",
                    "org.mailhook.mailets..", "org.mailhook.ops..", "org.mailhook.smtp..", "org.mailhook.webadmin..")
                .and(resideOutsideOfPackage("org.apache.james.mime4j..")))
            .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.mailhook.cli"));
    }
}
