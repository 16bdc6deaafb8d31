export const UI_HTML = '<!doctype html><title>Weft</title>';
