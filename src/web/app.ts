import { startApp } from './app/main'

// The app at / (src/http/views/app/): see src/web/app/main.ts.
void startApp()
