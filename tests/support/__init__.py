"""What tests share: settings, factories, the auth helper, the comment client,
servers, HTML and feed readers, WXR files. Test modules import from here, never
from one another or from a conftest."""
