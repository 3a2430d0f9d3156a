'use client';

import { SectionError } from '../../../ui/section-error';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <SectionError error={error} reset={reset} what="queue subscriptions" />;
}
