// Constants the tests, scripts and benchmarks share.

/** The add-on's id (manifest.json browser_specific_settings.gecko.id). */
export const ADDON_ID = 'xexec@xexec.invalid';
