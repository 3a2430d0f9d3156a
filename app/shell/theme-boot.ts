/**
 * The theme's storage key and the <head> script that applies a stored choice before the first
 * paint. A plain module, not part of theme.tsx: that file is 'use client', and a value a server
 * component (app/layout.tsx) imports from a client module reaches the browser as a client
 * reference, not as the string. The <head> script's content then had to be loaded while <head>
 * hydrated; when that suspended (an early click or key press forces hydration at once), React
 * lost its place and failed hydration of the whole page (React #418, seen on /login).
 */
export const THEME_STORAGE_KEY = 'sluice-theme';

/**
 * Runs in <head> before the first paint, so a stored choice never flashes the other theme. Kept
 * as a string: it must work before React (or any bundle) has loaded.
 */
export const THEME_BOOT_SCRIPT = `try{var t=localStorage.getItem('${THEME_STORAGE_KEY}');if(t==='light'||t==='dark')document.documentElement.dataset.theme=t}catch(e){}`;
