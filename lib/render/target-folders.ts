import { renderKustomization } from './kustomization';
import { RenderedFile } from './render';
import { joinTargetReadme, renderStackSection } from './target-readme';

/** A file beside the manifests of a target folder (its kustomize base, its README). */
export interface TargetFile {
  readonly path: string;
  readonly content: string;
}

/**
 * What each target folder holds besides its manifests: a kustomize base and a README with a
 * picture of every stack in it. Manifests are added as they are rendered; only each stack's
 * README section (text) is kept, never its objects, so memory stays flat for a fleet.
 */
export class TargetFolders {
  private readonly folders = new Map<string, Array<{ readonly file: string; readonly readme: string }>>();

  /** Records one rendered manifest file (`<target>/<name>.k8s.yaml`). */
  public add(file: RenderedFile): void {
    this.addSection(file.path, TargetFolders.sectionOf(file));
  }

  /** The stack's section of its target README, as `add` records it (what a render cache keeps). */
  public static sectionOf(file: RenderedFile): string {
    return renderStackSection(file.path, file.objects, file.warnings);
  }

  /** Records one manifest file by its path and its stack's README section (see `sectionOf`). */
  public addSection(manifestPath: string, readme: string): void {
    const folder = manifestPath.split('/')[0];
    const inFolder = this.folders.get(folder) ?? [];
    inFolder.push({ file: manifestPath.slice(folder.length + 1), readme });
    this.folders.set(folder, inFolder);
  }

  /** Each folder's `kustomization.yaml` and `README.md`, folders in the order first seen. */
  public files(): TargetFile[] {
    return [...this.folders].flatMap(([folder, inFolder]) => [
      { path: `${folder}/kustomization.yaml`, content: renderKustomization(inFolder.map((f) => f.file)) },
      { path: `${folder}/README.md`, content: joinTargetReadme(folder, inFolder.map((f) => f.readme)) },
    ]);
  }
}
