package io.palisade.tenant;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import jakarta.persistence.Entity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shape STYLE.md asks for, as tests: a broken rule fails the build. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.palisade.tenant");
    }

    @Test
    void resourcesDoNotTouchRepositories() {
        noClasses().that().haveSimpleNameEndingWith("Resource")
                .should().dependOnClassesThat().haveSimpleNameEndingWith("Repository")
                .check(classes);
    }

    @Test
    void resourcesNeverExposeEntities() {
        noClasses().that().haveSimpleNameEndingWith("Resource")
                .should().dependOnClassesThat().areAnnotatedWith(Entity.class)
                .check(classes);
    }

    @Test
    void servicesAndRepositoriesDoNotDependOnResources() {
        noClasses().that().haveSimpleNameEndingWith("Service").or().haveSimpleNameEndingWith("Repository")
                .should().dependOnClassesThat().haveSimpleNameEndingWith("Resource")
                .check(classes);
    }

    @Test
    void onlyTheKitAndTheEventsAreShared() {
        noClasses().that().resideInAPackage("io.palisade.tenant..")
                .should().dependOnClassesThat().resideInAnyPackage("io.palisade.group..", "io.palisade.gateway..",
                        "io.palisade.migration..", "io.palisade.simulator..")
                .check(classes);
    }

    @Test
    void theOperatorScopeIsTheOnlyWayToReadTheCaller() {
        noClasses().that().resideInAPackage("io.palisade.tenant..")
                .should().dependOnClassesThat().haveFullyQualifiedName("io.quarkus.security.identity.SecurityIdentity")
                .check(classes);
    }
}
