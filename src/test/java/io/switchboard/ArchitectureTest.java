package io.switchboard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The core is plain Java: it may depend on java.* and on itself, nothing else. */
@AnalyzeClasses(packages = "io.switchboard", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule coreDependsOnJavaOnly = classes()
            .that().resideInAPackage("io.switchboard.core..")
            .should().onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "io.switchboard.core..")
            .because("the core must run and be tested without a container (STYLE.md)");
}
