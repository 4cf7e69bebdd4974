package io.palisade.migration;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shape STYLE.md asks for, as tests. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.palisade.migration");
    }

    @Test
    void resourcesDoNotTouchRepositoriesOrTheDatabase() {
        noClasses().that().haveSimpleNameEndingWith("Resource")
                .should().dependOnClassesThat().haveSimpleNameEndingWith("Repository")
                .orShould().dependOnClassesThat().resideInAPackage("io.vertx.mutiny.sqlclient..")
                .check(classes);
    }

    @Test
    void otherServicesAreReachedThroughTheirApisOnly() {
        noClasses().that().resideInAPackage("io.palisade.migration..")
                .should().dependOnClassesThat().resideInAnyPackage("io.palisade.tenant..", "io.palisade.gateway..",
                        "io.palisade.simulator..", "io.palisade.group.groups..", "io.palisade.group.device..",
                        "io.palisade.group.tree..", "io.palisade.group.task..", "io.palisade.group.common..")
                .check(classes);
    }

    @Test
    void planningIsPureLogic() {
        noClasses().that().resideInAnyPackage("io.palisade.migration.plan..", "io.palisade.migration.export..")
                .and().haveSimpleNameNotEndingWith("Repository")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.quarkus..", "jakarta..")
                .check(classes);
    }

    @Test
    void theOperatorScopeIsTheOnlyWayToReadTheCaller() {
        noClasses().that().resideInAPackage("io.palisade.migration..")
                .should().dependOnClassesThat().haveFullyQualifiedName("io.quarkus.security.identity.SecurityIdentity")
                .check(classes);
    }
}
