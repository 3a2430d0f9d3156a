import { LoadingBlock } from '../../../ui/loading-block';

export default function Loading() {
  return <LoadingBlock what="queue subscriptions" />;
}
