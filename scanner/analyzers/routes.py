"""Routes of the lazily imported analyzers (registry.py). Generated: do not edit; run
`python -m scanner.analyzers.registry > scanner/analyzers/routes.py` after changing an analyzer's name,
version or file names (tests/analyzers/test_registry.py fails until then)."""

from __future__ import annotations

# entry -> (name, version, priority, needs_candidates, handles_long_lines, filenames, patterns, suffixes,
#           binary_only)
Route = tuple[str, str, int, bool, bool, tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]

ROUTES: dict[str, Route] = {
    'scanner.analyzers.source.apple:AppleAnalyzer':
        ('source/apple', '1.0.0', 10, True, True, (), (), ('.swift', '.m', '.mm', '.h'), False),
    'scanner.analyzers.source.dart:DartAnalyzer':
        ('source/dart', '1.0.0', 10, True, True, (), (), ('.dart',), False),
    'scanner.analyzers.source.dotnet:DotnetAnalyzer':
        ('source/dotnet', '1.0.0', 10, True, True, (), (), ('.cs',), False),
    'scanner.analyzers.source.go:GoAnalyzer':
        ('source/go', '1.0.0', 10, True, True, (), (), ('.go',), False),
    'scanner.analyzers.source.html:HtmlAnalyzer':
        ('source/html', '1.1.0', 10, True, True, (), (), ('.html', '.htm', '.xhtml'), False),
    'scanner.analyzers.source.javascript:JavaScriptAnalyzer':
        ('source/javascript',
         '1.0.0',
         10,
         True,
         True,
         (),
         (),
         ('.js.map',
          '.mjs.map',
          '.cjs.map',
          '.css.map',
          '.ts.map',
          '.js',
          '.mjs',
          '.cjs',
          '.jsx',
          '.js.download',
          '.ts',
          '.mts',
          '.cts',
          '.tsx'),
         False),
    'scanner.analyzers.source.jvm:JvmAnalyzer':
        ('source/jvm', '1.0.0', 10, True, True, (), (), ('.java', '.kt', '.kts', '.groovy', '.gradle'), False),
    'scanner.analyzers.source.php:PhpAnalyzer':
        ('source/php', '1.0.0', 10, True, True, (), (), ('.php', '.phtml'), False),
    'scanner.analyzers.source.ruby:RubyAnalyzer':
        ('source/ruby', '1.0.0', 10, True, True, (), (), ('.rb', '.rake', '.gemspec', '.podspec'), False),
    'scanner.analyzers.lockfile.npm_package_json:NpmPackageJsonAnalyzer':
        ('lockfile/npm-package-json', '1.0.0', 5, True, True, ('package.json',), (), (), False),
    'scanner.analyzers.lockfile.npm_package_lock:NpmPackageLockAnalyzer':
        ('lockfile/npm-package-lock',
         '1.0.0',
         5,
         True,
         True,
         ('package-lock.json', 'npm-shrinkwrap.json'),
         (),
         (),
         False),
    'scanner.analyzers.lockfile.yarn_lock:YarnLockAnalyzer':
        ('lockfile/yarn-lock', '1.0.0', 5, True, True, ('yarn.lock',), (), (), False),
    'scanner.analyzers.lockfile.pnpm_lock:PnpmLockAnalyzer':
        ('lockfile/pnpm-lock', '1.0.0', 5, True, True, ('pnpm-lock.yaml',), (), (), False),
    'scanner.analyzers.lockfile.bun_lock:BunLockAnalyzer':
        ('lockfile/bun-lock', '1.0.0', 5, True, True, ('bun.lock',), (), (), False),
    'scanner.analyzers.lockfile.pyproject:PyprojectAnalyzer':
        ('lockfile/pyproject', '1.0.0', 5, True, True, ('pyproject.toml',), (), (), False),
    'scanner.analyzers.lockfile.setup_cfg:SetupCfgAnalyzer':
        ('lockfile/setup-cfg', '1.0.0', 5, True, True, ('setup.cfg',), (), (), False),
    'scanner.analyzers.lockfile.pipfile:PipfileAnalyzer':
        ('lockfile/pipfile', '1.0.0', 5, True, True, ('Pipfile',), (), (), False),
    'scanner.analyzers.lockfile.pipfile_lock:PipfileLockAnalyzer':
        ('lockfile/pipfile-lock', '1.0.0', 5, True, True, ('Pipfile.lock',), (), (), False),
    'scanner.analyzers.lockfile.poetry_lock:PoetryLockAnalyzer':
        ('lockfile/poetry-lock', '1.0.0', 5, True, True, ('poetry.lock',), (), (), False),
    'scanner.analyzers.lockfile.uv_lock:UvLockAnalyzer':
        ('lockfile/uv-lock', '1.0.0', 5, True, True, ('uv.lock',), (), (), False),
    'scanner.analyzers.lockfile.pdm_lock:PdmLockAnalyzer':
        ('lockfile/pdm-lock', '1.0.0', 5, True, True, ('pdm.lock',), (), (), False),
    'scanner.analyzers.lockfile.pylock:PylockAnalyzer':
        ('lockfile/pylock', '1.0.0', 5, True, True, ('pylock.toml',), ('pylock.*.toml',), (), False),
    'scanner.analyzers.binary.dex:DexAnalyzer':
        ('binary/dex', '1.0.0', 10, True, True, (), (), (), True),
    'scanner.analyzers.binary.classfile:ClassFileAnalyzer':
        ('binary/java-class', '1.0.0', 10, True, True, (), (), (), True),
    'scanner.analyzers.binary.axml:AxmlAnalyzer':
        ('binary/android-manifest', '1.1.0', 10, False, True, (), (), (), True),
    'scanner.analyzers.binary.macho:MachOAnalyzer':
        ('binary/macho', '1.1.0', 10, True, True, (), (), (), True),
    'scanner.analyzers.binary.plist:PlistAnalyzer':
        ('binary/plist', '1.1.0', 10, True, True, (), (), (), True),
    'scanner.analyzers.binary.elf:ElfAnalyzer':
        ('binary/elf', '1.0.0', 10, True, True, (), (), (), True),
    'scanner.analyzers.binary.strings:StringsAnalyzer':
        ('binary/strings', '1.1.0', 5, True, True, (), (), (), True),
    'scanner.analyzers.binary.ar:StaticLibraryAnalyzer':
        ('binary/static-library', '1.1.0', 10, True, True, (), (), (), True),
    'scanner.analyzers.lockfile.cargo_lock:CargoLockAnalyzer':
        ('lockfile/cargo-lock', '1.0.0', 5, True, True, ('Cargo.lock',), (), (), False),
    'scanner.analyzers.lockfile.cargo_toml:CargoTomlAnalyzer':
        ('lockfile/cargo-toml', '1.0.0', 5, True, True, ('Cargo.toml',), (), (), False),
    'scanner.analyzers.lockfile.cartfile:CartfileAnalyzer':
        ('lockfile/cartfile', '1.0.0', 5, True, True, ('Cartfile', 'Cartfile.private'), (), (), False),
    'scanner.analyzers.lockfile.cartfile_resolved:CartfileResolvedAnalyzer':
        ('lockfile/cartfile-resolved', '1.0.0', 5, True, True, ('Cartfile.resolved',), (), (), False),
    'scanner.analyzers.lockfile.composer_json:ComposerJsonAnalyzer':
        ('lockfile/composer-json', '1.0.0', 5, True, True, ('composer.json',), (), (), False),
    'scanner.analyzers.lockfile.composer_lock:ComposerLockAnalyzer':
        ('lockfile/composer-lock', '1.0.0', 5, True, True, ('composer.lock',), (), (), False),
    'scanner.analyzers.lockfile.cordova_plugin:CordovaPluginAnalyzer':
        ('lockfile/cordova-plugin', '1.0.0', 5, True, True, ('plugin.xml',), (), (), False),
    'scanner.analyzers.lockfile.gemfile:GemfileAnalyzer':
        ('lockfile/gemfile', '1.0.0', 5, True, True, ('Gemfile', 'gems.rb'), (), (), False),
    'scanner.analyzers.lockfile.gemfile_lock:GemfileLockAnalyzer':
        ('lockfile/gemfile-lock', '1.0.0', 5, True, True, ('Gemfile.lock', 'gems.locked'), (), (), False),
    'scanner.analyzers.lockfile.gemspec:GemspecAnalyzer':
        ('lockfile/gemspec', '1.0.0', 5, True, True, (), ('*.gemspec',), (), False),
    'scanner.analyzers.lockfile.go_mod:GoModAnalyzer':
        ('lockfile/go-mod', '1.0.0', 5, True, True, ('go.mod',), (), (), False),
    'scanner.analyzers.lockfile.go_sum:GoSumAnalyzer':
        ('lockfile/go-sum', '1.0.0', 5, True, True, ('go.sum',), (), (), False),
    'scanner.analyzers.lockfile.gradle:GradleAnalyzer':
        ('lockfile/gradle', '1.1.0', 5, False, True, (), ('*.gradle', '*.gradle.kts'), (), False),
    'scanner.analyzers.lockfile.gradle_catalog:GradleCatalogAnalyzer':
        ('lockfile/gradle-catalog', '1.1.0', 5, True, True, (), ('*.versions.toml',), (), False),
    'scanner.analyzers.lockfile.gradle_lockfile:GradleLockfileAnalyzer':
        ('lockfile/gradle-lockfile', '1.0.0', 5, True, True, (), ('*gradle.lockfile',), (), False),
    'scanner.analyzers.lockfile.maven_pom:MavenPomAnalyzer':
        ('lockfile/maven-pom', '1.0.0', 5, True, True, ('pom.xml',), ('*.pom',), (), False),
    'scanner.analyzers.lockfile.nuget_central:NugetCentralAnalyzer':
        ('lockfile/nuget-central',
         '1.0.0',
         5,
         True,
         True,
         ('Directory.Packages.props', 'Directory.Build.props', 'Directory.Build.targets'),
         (),
         (),
         False),
    'scanner.analyzers.lockfile.nuget_lock:NugetLockAnalyzer':
        ('lockfile/nuget-lock', '1.0.0', 5, True, True, ('packages.lock.json',), (), (), False),
    'scanner.analyzers.lockfile.nuget_packages_config:NugetPackagesConfigAnalyzer':
        ('lockfile/nuget-packages-config', '1.0.0', 5, True, True, ('packages.config',), (), (), False),
    'scanner.analyzers.lockfile.nuget_project:NugetProjectAnalyzer':
        ('lockfile/nuget-project', '1.0.0', 5, True, True, (), ('*.csproj', '*.fsproj', '*.vbproj'), (), False),
    'scanner.analyzers.lockfile.pbxproj:PbxprojAnalyzer':
        ('lockfile/pbxproj', '1.0.0', 5, True, True, ('project.pbxproj',), (), (), False),
    'scanner.analyzers.lockfile.podfile:PodfileAnalyzer':
        ('lockfile/podfile', '1.0.0', 5, True, True, ('Podfile',), ('*.podfile',), (), False),
    'scanner.analyzers.lockfile.podfile_lock:PodfileLockAnalyzer':
        ('lockfile/podfile-lock', '1.0.0', 5, True, True, ('Podfile.lock',), (), (), False),
    'scanner.analyzers.lockfile.podspec:PodspecAnalyzer':
        ('lockfile/podspec', '1.0.0', 5, True, True, (), ('*.podspec', '*.podspec.json'), (), False),
    'scanner.analyzers.lockfile.pubspec:PubspecAnalyzer':
        ('lockfile/pubspec', '1.0.0', 5, True, True, ('pubspec.yaml', 'pubspec.yml'), (), (), False),
    'scanner.analyzers.lockfile.pubspec_lock:PubspecLockAnalyzer':
        ('lockfile/pubspec-lock', '1.0.0', 5, True, True, ('pubspec.lock',), (), (), False),
    'scanner.analyzers.lockfile.sbom_cyclonedx:CycloneDxAnalyzer':
        ('lockfile/sbom-cyclonedx',
         '1.0.0',
         5,
         True,
         True,
         ('bom.json', 'sbom.json'),
         ('*.cdx.json', '*.bom.json', '*.sbom.json', '*cyclonedx*.json'),
         (),
         False),
    'scanner.analyzers.lockfile.sbom_spdx:SpdxAnalyzer':
        ('lockfile/sbom-spdx',
         '1.0.0',
         5,
         True,
         True,
         ('sbom.json',),
         ('*.spdx.json', '*.sbom.json', '*spdx*.json'),
         (),
         False),
    'scanner.analyzers.lockfile.swift_package:SwiftPackageAnalyzer':
        ('lockfile/swift-package', '1.0.0', 5, True, True, ('Package.swift',), ('Package@swift-*.swift',), (), False),
    'scanner.analyzers.lockfile.swift_resolved:SwiftResolvedAnalyzer':
        ('lockfile/swift-resolved', '1.0.0', 5, True, True, ('Package.resolved',), (), (), False),
    'scanner.analyzers.source.templates:TemplatesAnalyzer':
        ('source/templates',
         '1.0.0',
         10,
         True,
         True,
         (),
         (),
         ('.vue',
          '.svelte',
          '.astro',
          '.erb',
          '.ejs',
          '.jsp',
          '.aspx',
          '.php',
          '.phtml',
          '.blade.php',
          '.twig',
          '.jinja',
          '.jinja2',
          '.j2',
          '.njk',
          '.liquid',
          '.cshtml',
          '.razor',
          '.hbs',
          '.handlebars',
          '.mustache'),
         False),
    'scanner.analyzers.android.proguard:ProguardAnalyzer':
        ('android/proguard',
         '1.1.0',
         5,
         False,
         True,
         (),
         ('*.pro', 'proguard*.txt', 'proguard*.cfg', 'consumer-proguard*.txt', 'configuration.txt'),
         (),
         False),
    'scanner.analyzers.android.r8_mapping:R8MappingAnalyzer':
        ('android/r8-mapping',
         '1.0.0',
         5,
         True,
         True,
         ('mapping.txt',),
         ('*-mapping.txt', '*.mapping.txt'),
         (),
         False),
    'scanner.analyzers.android.manifest:AndroidManifestAnalyzer':
        ('android/manifest', '1.0.0', 10, True, False, (), ('AndroidManifest*.xml',), (), False),
    'scanner.analyzers.lockfile.expo_config:ExpoConfigAnalyzer':
        ('lockfile/expo-config',
         '1.0.0',
         5,
         True,
         True,
         ('app.json', 'app.config.json', 'app.config.js', 'app.config.ts', 'app.config.mjs', 'app.config.cjs'),
         (),
         (),
         False),
    'scanner.analyzers.lockfile.flutter_plugins:FlutterPluginsAnalyzer':
        ('lockfile/flutter-plugins',
         '1.0.0',
         5,
         True,
         True,
         ('.flutter-plugins-dependencies', '.flutter-plugins'),
         (),
         (),
         False),
    'scanner.analyzers.lockfile.react_native_config:ReactNativeConfigAnalyzer':
        ('lockfile/react-native-config',
         '1.0.0',
         5,
         True,
         True,
         ('react-native.config.js', 'react-native.config.cjs', 'react-native.config.mjs', 'react-native.config.ts'),
         (),
         (),
         False),
    'scanner.analyzers.lockfile.cordova_config:CordovaConfigAnalyzer':
        ('lockfile/cordova-config', '1.0.0', 10, True, True, ('config.xml',), (), (), False),
    'scanner.analyzers.lockfile.capacitor_config:CapacitorConfigAnalyzer':
        ('lockfile/capacitor-config',
         '1.0.0',
         15,
         True,
         True,
         ('capacitor.config.json', 'capacitor.config.ts', 'capacitor.config.js'),
         (),
         (),
         False),
    'scanner.analyzers.lockfile.unity_packages_lock:UnityPackagesLockAnalyzer':
        ('lockfile/unity-packages-lock', '1.0.0', 5, True, True, ('packages-lock.json',), (), (), False),
}
