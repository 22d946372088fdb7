"""Fixtures built with real toolchains (tests/fixtures/binary/README.md): rule, archive chain,
byte offset and evidence of every finding; clean builds and look-alikes stay quiet."""

from __future__ import annotations

import pytest

from tests.analyzers.binary.conftest import FIXTURES, rows, scan, serious

APK = {
    ("app.apk!/AndroidManifest.xml", 1848, "TT405", "com.zhiliaoapp.musically"),
    ("app.apk!/AndroidManifest.xml", 1928, "TT405", "com.ss.android.ugc.trill"),
    ("app.apk!/AndroidManifest.xml", 2408, "TT202", "tiktokapi.TikTokEntryActivity"),
    ("app.apk!/AndroidManifest.xml", 2528, "TT202", "TikTokClientKey"),
    ("app.apk!/classes.dex", 325, "TT401", "com.tiktok.open.sdk.auth.AuthApi"),
    ("app.apk!/classes2.dex", 539, "TT401", "com.tiktok.open.sdk.auth.AuthApi"),
    ("app.apk!/classes2.dex", 732, "TT404", "_aweme_params_caller_open_sdk_name"),
    ("app.apk!/classes2.dex", 768, "TT404", "_bytedance_params_client_key"),
    ("app.apk!/classes2.dex", 846, "TT406", "www.tiktok.com/v2/auth/authorize/"),
    ("app.apk!/classes2.dex", 921, "TT404", "tiktok_sdk_auth"),
    ("app.apk!/lib/arm64-v8a/libtthelper.so", 561, "TT401", "com.tiktok.open.sdk.core.NativeBridge"),
    ("app.apk!/lib/arm64-v8a/libtthelper.so", 613, "TT403", "BUAdSDK"),
    ("app.apk!/lib/arm64-v8a/libtthelper.so", 652, "TT406", "open.tiktokapis.com/v2/oauth/token/"),
    ("app.apk!/lib/arm64-v8a/libtthelper.so", 696, "TT406", "api16-normal-useast5.tiktokv.us"),
}


def test_signed_apk_manifest_dex_and_native_library() -> None:
    findings, notes = scan(FIXTURES / "android" / "app.apk")
    assert rows(findings) == APK
    assert notes == []
    by_offset = {(f.location.display_path, f.location.byte_offset): f for f in findings}
    queries = by_offset[("app.apk!/AndroidManifest.xml", 1848)]
    assert queries.evidence == '<manifest/queries/package name="com.zhiliaoapp.musically"> (manifest line 6)'
    sdk_class = by_offset[("app.apk!/classes2.dex", 539)]
    assert "com.tiktok.open.sdk.auth.AuthRequest" in sdk_class.evidence
    assert "com.tiktok.open.sdk.core.TikTokAppCheckUtil" in sdk_class.evidence
    assert "inside app.apk!/classes2.dex" in sdk_class.message
    assert by_offset[("app.apk!/classes.dex", 325)].evidence.startswith("reference to class")
    assert by_offset[("app.apk!/lib/arm64-v8a/libtthelper.so", 613)].evidence == "DT_NEEDED libBUAdSDK.so"


def test_obfuscated_dex_is_recognised_by_surviving_strings_with_lower_precision() -> None:
    findings, _ = scan(FIXTURES / "android" / "obfuscated.dex")
    assert rows(findings) == {
        ("obfuscated.dex", 441, "TT404", "_bytedance_params_client_key"),
        ("obfuscated.dex", 477, "TT404", "com.tiktok.sdk.anonymousId"),
        ("obfuscated.dex", 515, "TT404", "tiktok_sdk_auth"),
    }
    first = next(f for f in findings if f.location.byte_offset == 441)
    assert "no SDK class names" in first.evidence
    assert "also found: com.tiktok.sdk.anonymousId, tiktok_sdk_auth" in first.evidence


def test_obfuscation_flag_is_set_on_the_facts() -> None:
    from scanner.analyzers.binary.dex import DexAnalyzer
    from scanner.analyzers.interface import FileInput
    from scanner.config import ScanConfig
    from scanner.config.limits import Limits
    from scanner.core.scanner import Scanner

    sc = Scanner(ScanConfig(roots=["."], jobs=1))
    for name, penalty in (("obfuscated.dex", True), ("tiktok-sdk.dex", False)):
        data = (FIXTURES / "android" / name).read_bytes()
        file = FileInput(name, (), data, False, sc.prefilter.hits(data), sc.needles, Limits())
        markers = [f for f in DexAnalyzer().analyze(file) if f.kind.value == "marker"]
        assert markers and all(f.precision_penalty is penalty for f in markers)


def test_aar_classes_jar_class_file_chain() -> None:
    findings, _ = scan(FIXTURES / "android" / "tiktok-open-sdk-share.aar")
    chain = "tiktok-open-sdk-share.aar!/classes.jar!/com/tiktok/open/sdk/share/ShareApi.class"
    assert rows(findings) == {
        ("tiktok-open-sdk-share.aar!/AndroidManifest.xml", None, "TT405", "com.zhiliaoapp.musically"),
        (chain, 63, "TT401", "com.tiktok.open.sdk.share.ShareApi"),
        (chain, 103, "TT404", "tiktok_sdk_share"),
        (chain, 120, "TT404", "_aweme_open_sdk_params_client_key"),
        (chain, 215, "TT404", "_aweme_open_sdk_params_client_key"),
        (chain, 338, "TT404", "tiktok_sdk_share"),
    }
    manifest = next(f for f in findings if f.location.members == ("AndroidManifest.xml",))
    assert manifest.location.start_line == 4  # the text manifest of an AAR keeps its lines


DYLIB = {
    ("libDemo.dylib", 1880, "TT401", "@rpath/TikTokOpenSDK.framework/TikTokOpenSDK"),
    ("libDemo.dylib", 2444, "TT202", "TikTokClientKey"),
    ("libDemo.dylib", 2562, "TT202", "tiktokopensdk"),
    ("libDemo.dylib", 2595, "TT202", "tiktoksharesdk"),
    ("libDemo.dylib", 2629, "TT405", "snssdk1233"),
    ("libDemo.dylib", 2659, "TT405", "snssdk1180"),
    ("libDemo.dylib", 50072, "TT401", "TTKSDKAuthRequest"),
}
FRAMEWORK = {
    (1136, "TT401", "@rpath/TikTokOpenSDK.framework/TikTokOpenSDK"),
    (1370, "TT406", "www.tiktok.com/v2/auth/authorize/"),
    (1412, "TT404", "tiktok_sdk_auth"),
    (1428, "TT401", "TTKSDKBaseRequest"),
    (1464, "TT401", "TikTokURLHandler"),
}


def test_macho_dylib_load_command_classes_and_embedded_plist() -> None:
    findings, _ = scan(FIXTURES / "apple" / "libDemo.dylib")
    assert rows(findings) == DYLIB
    by_offset = {f.location.byte_offset: f for f in findings}
    assert by_offset[1880].evidence == "LC_LOAD_DYLIB @rpath/TikTokOpenSDK.framework/TikTokOpenSDK (arm64)"
    assert by_offset[2562].evidence == "LSApplicationQueriesSchemes: tiktokopensdk (embedded __info_plist)"


def test_fat_framework_reports_each_name_once() -> None:
    findings, _ = scan(FIXTURES / "apple" / "TikTokOpenSDK.framework")
    # the slice that ships to devices is the one reported, at offsets inside it
    assert rows(findings) == {("TikTokOpenSDK!/arm64", *row) for row in FRAMEWORK}
    by_offset = {f.location.byte_offset: f for f in findings}
    assert by_offset[1428].evidence == "Objective-C class TTKSDKBaseRequest (+1 more: TTKSDKAuthRequest) in Mach-O"
    assert by_offset[1464].evidence == "Swift class of module TikTokOpenSDKCore: TikTokURLHandler in Mach-O"


def test_ipa_binary_plist_app_and_framework() -> None:
    findings, _ = scan(FIXTURES / "apple" / "Demo.ipa")
    found = rows(findings)
    app = "Demo.ipa!/Payload/Demo.app/"
    assert {(app + "Demo", o, r, v) for _, o, r, v in DYLIB} <= found
    assert {(app + "Frameworks/TikTokOpenSDK.framework/TikTokOpenSDK!/arm64", *row) for row in FRAMEWORK} <= found
    assert {
        (app + "Info.plist", 92, "TT202", "TikTokClientKey"),
        (app + "Info.plist", 137, "TT202", "tiktokopensdk"),
        (app + "Info.plist", 151, "TT202", "tiktoksharesdk"),
        (app + "Info.plist", 166, "TT405", "snssdk1233"),
        (app + "Info.plist", 177, "TT405", "snssdk1180"),
    } <= found
    assert len(found) == 7 + 5 + 5


def test_static_library_member_chain() -> None:
    findings, _ = scan(FIXTURES / "apple" / "libTikTokOpenSDK.a")
    assert rows(findings) == {
        ("libTikTokOpenSDK.a!/sdk-arm64.o", 1178, "TT406", "www.tiktok.com/v2/auth/authorize/"),
        ("libTikTokOpenSDK.a!/sdk-arm64.o", 1220, "TT404", "tiktok_sdk_auth"),
        ("libTikTokOpenSDK.a!/sdk-arm64.o", 1480, "TT401", "TTKSDKBaseRequest"),
        ("libTikTokOpenSDK.a!/sdk-arm64.o", 1516, "TT401", "TikTokURLHandler"),
    }


def test_elf_needed_jni_export_and_hosts() -> None:
    findings, _ = scan(FIXTURES / "native" / "libtthelper.so")
    assert rows(findings) == {(path.rsplit("/", 1)[-1], o, r, v) for path, o, r, v in APK if ".so" in path}


def test_wheel_vendoring_tiktok_pixel_js() -> None:
    findings, _ = scan(FIXTURES / "wheels" / "tiktok_widget-1.0.0-py3-none-any.whl")
    member = "tiktok_widget-1.0.0-py3-none-any.whl!/tiktok_widget/static/pixel.js"
    assert {(f.location.display_path, f.location.start_line, f.rule_id) for f in findings} == {
        (member, 3, "TT204"),  # TiktokAnalyticsObject (text)
        (member, 8, "TT303"),
        (member, 11, "TT204"),  # ttq.load(...) call (source/javascript)
        (member, 12, "TT204"),  # ttq.page() call
    }


@pytest.mark.parametrize("name", [
    "android/clean.apk", "android/clean.dex", "android/feed.aar", "apple/Feed.framework",
    "apple/libFeedApp.dylib", "native/libfeed.so", "wheels/clean_widget-1.0.0-py3-none-any.whl",
])
def test_clean_builds_of_the_same_toolchains_are_quiet(name: str) -> None:
    findings, notes = scan(FIXTURES / name)
    assert serious(findings) == []
    assert notes == []


@pytest.mark.parametrize("wheel", sorted((FIXTURES / "downloads").glob("tiktoken-*.whl")) or [None])
def test_real_tiktoken_wheels_are_quiet(wheel: object) -> None:
    """`build.sh downloads` fetches tiktoken's manylinux (ELF) and macOS (Mach-O) wheels; not committed."""
    if wheel is None:
        pytest.skip("tiktoken wheels not downloaded (bash tests/fixtures/binary/build/build.sh downloads)")
    findings, _ = scan(wheel)  # type: ignore[arg-type]
    assert serious(findings) == []
