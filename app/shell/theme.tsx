'use client';

import { useEffect, useState } from 'react';

type Theme = 'light' | 'dark' | 'system';
const KEY = 'sluice-theme';

/**
 * Runs in <head> before the first paint, so a stored choice never flashes the other theme.
 * Kept as a string: it must work before React (or any bundle) has loaded.
 */
export const THEME_BOOT_SCRIPT = `try{var t=localStorage.getItem('${KEY}');if(t==='light'||t==='dark')document.documentElement.dataset.theme=t}catch(e){}`;

function apply(theme: Theme) {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}

export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>('system');
  useEffect(() => {
    const stored = localStorage.getItem(KEY);
    if (stored === 'light' || stored === 'dark') setTheme(stored);
  }, []);
  function choose(t: Theme) {
    setTheme(t);
    apply(t);
    if (t === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, t);
  }
  return (
    <div className="theme-toggle" role="radiogroup" aria-label="Theme">
      {(['light', 'dark', 'system'] as const).map((t) => (
        <button key={t} type="button" role="radio" aria-checked={theme === t} className={theme === t ? 'on' : ''} onClick={() => choose(t)}>
          {t[0]!.toUpperCase() + t.slice(1)}
        </button>
      ))}
    </div>
  );
}
