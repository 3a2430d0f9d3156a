'use client';

import { useEffect, useState } from 'react';
import { THEME_STORAGE_KEY as KEY } from './theme-boot';

type Theme = 'light' | 'dark' | 'system';

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
