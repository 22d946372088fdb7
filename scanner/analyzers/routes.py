"""Routes of the lazily imported analyzers (registry.py). Generated: do not edit; run
`python -m scanner.analyzers.registry > scanner/analyzers/routes.py` after changing an analyzer's name,
version or file names (tests/analyzers/test_registry.py fails until then)."""

from __future__ import annotations

# entry -> (name, version, priority, needs_candidates, handles_long_lines, filenames, patterns)
Route = tuple[str, str, int, bool, bool, tuple[str, ...], tuple[str, ...]]

ROUTES: dict[str, Route] = {
    'scanner.analyzers.lockfile.npm_package_json:NpmPackageJsonAnalyzer':
        ('lockfile/npm-package-json', '1.0.0', 5, True, True, ('package.json',), ()),
    'scanner.analyzers.lockfile.npm_package_lock:NpmPackageLockAnalyzer':
        ('lockfile/npm-package-lock', '1.0.0', 5, True, True, ('package-lock.json', 'npm-shrinkwrap.json'), ()),
    'scanner.analyzers.lockfile.yarn_lock:YarnLockAnalyzer':
        ('lockfile/yarn-lock', '1.0.0', 5, True, True, ('yarn.lock',), ()),
    'scanner.analyzers.lockfile.pnpm_lock:PnpmLockAnalyzer':
        ('lockfile/pnpm-lock', '1.0.0', 5, True, True, ('pnpm-lock.yaml',), ()),
    'scanner.analyzers.lockfile.bun_lock:BunLockAnalyzer':
        ('lockfile/bun-lock', '1.0.0', 5, True, True, ('bun.lock',), ()),
    'scanner.analyzers.lockfile.pyproject:PyprojectAnalyzer':
        ('lockfile/pyproject', '1.0.0', 5, True, True, ('pyproject.toml',), ()),
    'scanner.analyzers.lockfile.setup_cfg:SetupCfgAnalyzer':
        ('lockfile/setup-cfg', '1.0.0', 5, True, True, ('setup.cfg',), ()),
    'scanner.analyzers.lockfile.pipfile:PipfileAnalyzer':
        ('lockfile/pipfile', '1.0.0', 5, True, True, ('Pipfile',), ()),
    'scanner.analyzers.lockfile.pipfile_lock:PipfileLockAnalyzer':
        ('lockfile/pipfile-lock', '1.0.0', 5, True, True, ('Pipfile.lock',), ()),
    'scanner.analyzers.lockfile.poetry_lock:PoetryLockAnalyzer':
        ('lockfile/poetry-lock', '1.0.0', 5, True, True, ('poetry.lock',), ()),
    'scanner.analyzers.lockfile.uv_lock:UvLockAnalyzer':
        ('lockfile/uv-lock', '1.0.0', 5, True, True, ('uv.lock',), ()),
    'scanner.analyzers.lockfile.pdm_lock:PdmLockAnalyzer':
        ('lockfile/pdm-lock', '1.0.0', 5, True, True, ('pdm.lock',), ()),
    'scanner.analyzers.lockfile.pylock:PylockAnalyzer':
        ('lockfile/pylock', '1.0.0', 5, True, True, ('pylock.toml',), ('pylock.*.toml',)),
    'scanner.analyzers.lockfile.cargo_lock:CargoLockAnalyzer':
        ('lockfile/cargo-lock', '1.0.0', 5, True, True, ('Cargo.lock',), ()),
    'scanner.analyzers.lockfile.cargo_toml:CargoTomlAnalyzer':
        ('lockfile/cargo-toml', '1.0.0', 5, True, True, ('Cargo.toml',), ()),
    'scanner.analyzers.lockfile.cartfile:CartfileAnalyzer':
        ('lockfile/cartfile', '1.0.0', 5, True, True, ('Cartfile', 'Cartfile.private'), ()),
    'scanner.analyzers.lockfile.cartfile_resolved:CartfileResolvedAnalyzer':
        ('lockfile/cartfile-resolved', '1.0.0', 5, True, True, ('Cartfile.resolved',), ()),
    'scanner.analyzers.lockfile.composer_json:ComposerJsonAnalyzer':
        ('lockfile/composer-json', '1.0.0', 5, True, True, ('composer.json',), ()),
    'scanner.analyzers.lockfile.composer_lock:ComposerLockAnalyzer':
        ('lockfile/composer-lock', '1.0.0', 5, True, True, ('composer.lock',), ()),
    'scanner.analyzers.lockfile.cordova_plugin:CordovaPluginAnalyzer':
        ('lockfile/cordova-plugin', '1.0.0', 5, True, True, ('plugin.xml',), ()),
    'scanner.analyzers.lockfile.gemfile:GemfileAnalyzer':
        ('lockfile/gemfile', '1.0.0', 5, True, True, ('Gemfile', 'gems.rb'), ()),
    'scanner.analyzers.lockfile.gemfile_lock:GemfileLockAnalyzer':
        ('lockfile/gemfile-lock', '1.0.0', 5, True, True, ('Gemfile.lock', 'gems.locked'), ()),
    'scanner.analyzers.lockfile.gemspec:GemspecAnalyzer':
        ('lockfile/gemspec', '1.0.0', 5, True, True, (), ('*.gemspec',)),
    'scanner.analyzers.lockfile.go_mod:GoModAnalyzer':
        ('lockfile/go-mod', '1.0.0', 5, True, True, ('go.mod',), ()),
    'scanner.analyzers.lockfile.go_sum:GoSumAnalyzer':
        ('lockfile/go-sum', '1.0.0', 5, True, True, ('go.sum',), ()),
    'scanner.analyzers.lockfile.gradle:GradleAnalyzer':
        ('lockfile/gradle', '1.1.0', 5, False, True, (), ('*.gradle', '*.gradle.kts')),
    'scanner.analyzers.lockfile.gradle_catalog:GradleCatalogAnalyzer':
        ('lockfile/gradle-catalog', '1.1.0', 5, True, True, (), ('*.versions.toml',)),
    'scanner.analyzers.lockfile.gradle_lockfile:GradleLockfileAnalyzer':
        ('lockfile/gradle-lockfile', '1.0.0', 5, True, True, (), ('*gradle.lockfile',)),
    'scanner.analyzers.lockfile.maven_pom:MavenPomAnalyzer':
        ('lockfile/maven-pom', '1.0.0', 5, True, True, ('pom.xml',), ('*.pom',)),
    'scanner.analyzers.lockfile.nuget_central:NugetCentralAnalyzer':
        ('lockfile/nuget-central',
         '1.0.0',
         5,
         True,
         True,
         ('Directory.Packages.props', 'Directory.Build.props', 'Directory.Build.targets'),
         ()),
    'scanner.analyzers.lockfile.nuget_lock:NugetLockAnalyzer':
        ('lockfile/nuget-lock', '1.0.0', 5, True, True, ('packages.lock.json',), ()),
    'scanner.analyzers.lockfile.nuget_packages_config:NugetPackagesConfigAnalyzer':
        ('lockfile/nuget-packages-config', '1.0.0', 5, True, True, ('packages.config',), ()),
    'scanner.analyzers.lockfile.nuget_project:NugetProjectAnalyzer':
        ('lockfile/nuget-project', '1.0.0', 5, True, True, (), ('*.csproj', '*.fsproj', '*.vbproj')),
    'scanner.analyzers.lockfile.pbxproj:PbxprojAnalyzer':
        ('lockfile/pbxproj', '1.0.0', 5, True, True, ('project.pbxproj',), ()),
    'scanner.analyzers.lockfile.podfile:PodfileAnalyzer':
        ('lockfile/podfile', '1.0.0', 5, True, True, ('Podfile',), ('*.podfile',)),
    'scanner.analyzers.lockfile.podfile_lock:PodfileLockAnalyzer':
        ('lockfile/podfile-lock', '1.0.0', 5, True, True, ('Podfile.lock',), ()),
    'scanner.analyzers.lockfile.podspec:PodspecAnalyzer':
        ('lockfile/podspec', '1.0.0', 5, True, True, (), ('*.podspec', '*.podspec.json')),
    'scanner.analyzers.lockfile.pubspec:PubspecAnalyzer':
        ('lockfile/pubspec', '1.0.0', 5, True, True, ('pubspec.yaml', 'pubspec.yml'), ()),
    'scanner.analyzers.lockfile.pubspec_lock:PubspecLockAnalyzer':
        ('lockfile/pubspec-lock', '1.0.0', 5, True, True, ('pubspec.lock',), ()),
    'scanner.analyzers.lockfile.sbom_cyclonedx:CycloneDxAnalyzer':
        ('lockfile/sbom-cyclonedx',
         '1.0.0',
         5,
         True,
         True,
         ('bom.json', 'sbom.json'),
         ('*.cdx.json', '*.bom.json', '*.sbom.json', '*cyclonedx*.json')),
    'scanner.analyzers.lockfile.sbom_spdx:SpdxAnalyzer':
        ('lockfile/sbom-spdx', '1.0.0', 5, True, True, ('sbom.json',), ('*.spdx.json', '*.sbom.json', '*spdx*.json')),
    'scanner.analyzers.lockfile.swift_package:SwiftPackageAnalyzer':
        ('lockfile/swift-package', '1.0.0', 5, True, True, ('Package.swift',), ('Package@swift-*.swift',)),
    'scanner.analyzers.lockfile.swift_resolved:SwiftResolvedAnalyzer':
        ('lockfile/swift-resolved', '1.0.0', 5, True, True, ('Package.resolved',), ()),
    'scanner.analyzers.lockfile.expo_config:ExpoConfigAnalyzer':
        ('lockfile/expo-config',
         '1.0.0',
         5,
         True,
         True,
         ('app.json', 'app.config.json', 'app.config.js', 'app.config.ts', 'app.config.mjs', 'app.config.cjs'),
         ()),
    'scanner.analyzers.lockfile.flutter_plugins:FlutterPluginsAnalyzer':
        ('lockfile/flutter-plugins',
         '1.0.0',
         5,
         True,
         True,
         ('.flutter-plugins-dependencies', '.flutter-plugins'),
         ()),
    'scanner.analyzers.lockfile.react_native_config:ReactNativeConfigAnalyzer':
        ('lockfile/react-native-config',
         '1.0.0',
         5,
         True,
         True,
         ('react-native.config.js', 'react-native.config.cjs', 'react-native.config.mjs', 'react-native.config.ts'),
         ()),
    'scanner.analyzers.lockfile.cordova_config:CordovaConfigAnalyzer':
        ('lockfile/cordova-config', '1.0.0', 10, True, True, ('config.xml',), ()),
    'scanner.analyzers.lockfile.unity_packages_lock:UnityPackagesLockAnalyzer':
        ('lockfile/unity-packages-lock', '1.0.0', 5, True, True, ('packages-lock.json',), ()),
}
