/** A tree element: VS Code finds elements by object identity, Pool Lens names them by id. */
export interface TreeElement {
  readonly id: string;
}

/**
 * What a tree view has been shown, so that a new snapshot refreshes only the elements whose rendering
 * or children changed.
 *
 * Every refresh of an element makes VS Code build a new tree node for it and for every visible element
 * below it, and the extension host keeps a little of each node it ever built for as long as the view
 * exists (measured by `npm run bench -- editor-soak`: about 1 MB a minute when the whole tree was
 * refreshed every 2 s). So an element keeps one object for as long as VS Code holds it, its data updated
 * in place, and a refresh names only what changed.
 */
export class ShownTree<N extends TreeElement> {
  /** The element object VS Code holds, by id. */
  private readonly elements = new Map<string, N>();
  /** The rendering (a signature of its tree item) each element was last shown with. */
  private readonly renderings = new Map<string, string>();
  /** The ids of the children handed out under each element ('' for the root), while VS Code holds them. */
  private readonly childIds = new Map<string, readonly string[]>();
  private readonly collapsed = new Set<string>();

  /** The element object VS Code holds for this id, if any. */
  element(id: string): N | undefined {
    return this.elements.get(id);
  }

  /** Hands `children` out under `parent` (undefined: the root): the same objects as before where VS Code holds them. */
  handOut(parent: N | undefined, children: readonly N[]): N[] {
    const handed = children.map((child) => this.intern(child));
    this.childIds.set(keyOf(parent), handed.map((child) => child.id));
    return handed;
  }

  /** Records what VS Code was given to draw for `element`. */
  rendered(element: N, rendering: string): void {
    this.renderings.set(element.id, rendering);
  }

  /** A collapsed element's children are not looked at until it is expanded again (VS Code keeps them). */
  setCollapsed(element: N, collapsed: boolean): void {
    if (collapsed) this.collapsed.add(element.id);
    else this.collapsed.delete(element.id);
  }

  /** Forgets everything: the whole tree is being refreshed. */
  clear(): void {
    this.elements.clear();
    this.renderings.clear();
    this.childIds.clear();
    this.collapsed.clear();
  }

  /**
   * Compares what is shown with the tree as it is now and returns the elements to refresh (`undefined`
   * for the whole tree): an element whose rendering changed, or the parent of a changed list of children.
   * Children are looked at only under elements that VS Code has asked for children and that are not
   * collapsed, so a collapsed bucket costs no sessions query. What is returned is forgotten below it:
   * VS Code asks for it again.
   */
  async changes(childrenOf: (parent: N | undefined) => Promise<readonly N[]>, renderingOf: (element: N) => string): Promise<Array<N | undefined>> {
    const refresh: Array<N | undefined> = [];
    const visit = async (parent: N | undefined): Promise<void> => {
      const key = keyOf(parent);
      const shown = this.childIds.get(key);
      if (shown === undefined || (parent !== undefined && this.collapsed.has(parent.id))) return;
      const now = await childrenOf(parent);
      if (!sameIds(now, shown)) {
        refresh.push(parent);
        this.forgetBelow(key);
        return;
      }
      for (const fresh of now) {
        const element = this.intern(fresh);
        if (this.renderings.get(element.id) !== renderingOf(element)) {
          refresh.push(element);
          this.forgetBelow(element.id);
        } else {
          await visit(element);
        }
      }
    };
    await visit(undefined);
    if (refresh.includes(undefined)) {
      this.clear();
      return [undefined];
    }
    return refresh;
  }

  /** The element for `fresh`'s id, with `fresh`'s data: the object VS Code already holds, or `fresh` itself. */
  private intern(fresh: N): N {
    const known = this.elements.get(fresh.id);
    if (known === undefined) {
      this.elements.set(fresh.id, fresh);
      return fresh;
    }
    if (known !== fresh) {
      for (const field of Object.keys(known)) if (!(field in fresh)) delete (known as Record<string, unknown>)[field];
      Object.assign(known, fresh);
    }
    return known;
  }

  /** Drops what was shown below `key` (not `key` itself): VS Code rebuilds it when it refreshes that element. */
  private forgetBelow(key: string): void {
    const ids = this.childIds.get(key);
    this.childIds.delete(key);
    for (const id of ids ?? []) {
      this.forgetBelow(id);
      this.elements.delete(id);
      this.renderings.delete(id);
      this.collapsed.delete(id);
    }
  }
}

function keyOf(parent: TreeElement | undefined): string {
  return parent === undefined ? '' : parent.id;
}

function sameIds(elements: readonly TreeElement[], ids: readonly string[]): boolean {
  return elements.length === ids.length && elements.every((element, i) => element.id === ids[i]);
}
