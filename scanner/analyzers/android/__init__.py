"""Android build evidence in text form: R8/ProGuard rules and mappings, source AndroidManifest.xml."""
