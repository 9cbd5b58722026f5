// Loading, error and data of one API read, reloadable after an action changed it.
import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";
import type { AdminApi } from "./api/client";

export const ApiContext = createContext<AdminApi | null>(null);

export function useAdminApi(): AdminApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error("useAdminApi outside ApiContext");
  return api;
}

export type Load<T> =
  | { state: "loading" }
  | { state: "error"; error: unknown }
  | { state: "ready"; data: T };

export function useLoad<T>(read: (api: AdminApi) => Promise<T>, key: string): [Load<T>, () => void] {
  const api = useAdminApi();
  const [load, setLoad] = useState<Load<T>>({ state: "loading" });
  const [generation, setGeneration] = useState(0);
  const shown = useRef<string | null>(null);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    let current = true;
    // A reload after an action keeps the screen (and its outcome message) until fresh data
    // arrives; reading something else shows the loading state.
    if (shown.current !== key) setLoad({ state: "loading" });
    shown.current = key;
    read(api).then(
      (data) => current && setLoad({ state: "ready", data }),
      (error: unknown) => current && setLoad({ state: "error", error }),
    );
    return () => {
      current = false;
    };
    // `read` is a new closure each render; `key` names what it reads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key, generation]);
  return [load, reload];
}
