package io.switchboard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The Java client ships in its own jar: it needs the JDK and JSON-P only, and the server never needs it. */
@AnalyzeClasses(packages = "io.switchboard", importOptions = ImportOption.DoNotIncludeTests.class)
class ClientArchitectureTest {

    @ArchTest
    static final ArchRule clientDependsOnTheJdkAndJsonProcessingOnly = classes()
            .that().resideInAPackage("io.switchboard.client..")
            .should().onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "jakarta.json..", "io.switchboard.client..")
            .because("the client jar must run outside a container with nothing but a JSON-P implementation");

    @ArchTest
    static final ArchRule serverDoesNotUseTheClient = noClasses()
            .that().resideOutsideOfPackage("io.switchboard.client..")
            .should().dependOnClassesThat().resideInAPackage("io.switchboard.client..")
            .because("the client classes are left out of the WAR");
}
