import { watch, type FSWatcher } from 'node:fs';
import { loadRightsRegistry, type RightsRegistry } from './rights-registry';

const RELOAD_DEBOUNCE_MS = 100;

/**
 * The registry in force, re-read when its file changes: changing the file changes what is
 * allowed, without a code change or a restart. A file that no longer validates is refused and
 * the previous registry stays in force (reported through onError), so a bad edit cannot open
 * or close everything by accident.
 */
export class RightsRegistrySource {
  private registry: RightsRegistry;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly environment: string,
    private readonly onError: (error: Error) => void = () => {},
    private readonly onReload: (registry: RightsRegistry) => void = () => {},
  ) {
    this.registry = loadRightsRegistry(file, environment);
  }

  current(): RightsRegistry {
    return this.registry;
  }

  /** Re-reads the file now; returns whether the new version took effect. */
  reload(): boolean {
    try {
      const next = loadRightsRegistry(this.file, this.environment);
      if (next.sha256 !== this.registry.sha256) {
        this.registry = next;
        this.onReload(next);
      }
      return true;
    } catch (error) {
      this.onError(error as Error);
      return false;
    }
  }

  watch(): void {
    if (this.watcher) return;
    // Editors replace files (rename) as often as they write them: any event triggers a re-read.
    this.watcher = watch(this.file, () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.reload();
        // A rename detaches the watch from the new file: watch again.
        this.stop();
        this.watch();
      }, RELOAD_DEBOUNCE_MS);
      this.timer.unref();
    });
    this.watcher.unref();
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}
