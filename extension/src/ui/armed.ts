/**
 * The approval window's guard against clickjacking: a page can open the window under the
 * pointer and hope for a click meant for the page. Approve works only once the window has been
 * visible and focused for `ms` without interruption; losing focus or visibility starts over
 * (browsers guard their own permission prompts the same way).
 */
import { useEffect, useState } from 'preact/hooks';

/** True once the document has been visible and focused for `ms` in a row. */
export function useArmed(ms: number | undefined): boolean {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (ms === undefined) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = () => {
      clearTimeout(timer);
      setArmed(false);
      if (document.visibilityState === 'visible' && document.hasFocus()) {
        timer = setTimeout(() => setArmed(true), ms);
      }
    };
    check();
    window.addEventListener('focus', check);
    window.addEventListener('blur', check);
    document.addEventListener('visibilitychange', check);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('focus', check);
      window.removeEventListener('blur', check);
      document.removeEventListener('visibilitychange', check);
    };
  }, [ms]);
  return armed;
}
