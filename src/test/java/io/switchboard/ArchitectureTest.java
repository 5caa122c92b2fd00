package io.switchboard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * How the packages may lean on each other: the core is plain Java; the shell's packages form no cycle;
 * token verification knows nothing of the upgrade it serves; code for one container stays in its room.
 */
@AnalyzeClasses(packages = "io.switchboard", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule coreDependsOnJavaOnly = classes()
            .that().resideInAPackage("io.switchboard.core..")
            .should().onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "io.switchboard.core..")
            .because("the core must run and be tested without a container");

    /** Each package its own slice (endpoint and endpoint.tyrus apart), so a cycle between any two shows. */
    @ArchTest
    static final ArchRule noPackageCycles = slices()
            .matching("io.switchboard.(**)")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule authIsTokenVerificationOnly = classes()
            .that().resideInAPackage("io.switchboard.auth")
            .should().onlyDependOnClassesThat()
            .resideOutsideOfPackages("io.switchboard.endpoint..", "io.switchboard.upgrade..",
                    "io.switchboard.lifecycle..", "io.switchboard.admin..")
            .because("auth verifies tokens; the upgrade path and the endpoint use it, not the other way round");

    @ArchTest
    static final ArchRule tyrusOnlyCodeInItsRoom = classes()
            .that().resideOutsideOfPackage("io.switchboard.endpoint.tyrus..")
            .should().onlyDependOnClassesThat()
            .resideOutsideOfPackages("org.glassfish.tyrus..", "org.glassfish.grizzly..")
            .because("code that needs Tyrus lives in endpoint.tyrus, as WildFly's lives in lifecycle.wildfly");

    @ArchTest
    static final ArchRule codecKnowsNoContainer = classes()
            .that().resideInAPackage("io.switchboard.codec..")
            .should().onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "jakarta.json..", "io.switchboard.core..", "io.switchboard.codec..")
            .because("the JSON codec is the core's MessageCodec over JSON-P, nothing more");
}
