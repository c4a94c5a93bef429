import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./App.js";
import { loadConfig } from "./config.js";
import { SessionProvider } from "./session.js";
import "./style.css";

const root = createRoot(document.getElementById("root")!);
loadConfig().then(
  (config) =>
    root.render(
      <StrictMode>
        <SessionProvider config={config}>
          <App />
        </SessionProvider>
      </StrictMode>,
    ),
  (error: unknown) => root.render(<p role="alert">Cannot start: {(error as Error).message}</p>),
);
