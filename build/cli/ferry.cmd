@echo off
rem The `ferry` command of the packaged app on Windows: Ferry.exe runs the bundled command line as plain Node.
setlocal
set ELECTRON_RUN_AS_NODE=1
"%~dp0..\..\Ferry.exe" "%~dp0..\app.asar\out\cli\ferry.js" %*
exit /b %ERRORLEVEL%
