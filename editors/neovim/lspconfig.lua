-- gonotes for Neovim with nvim-lspconfig.
--
-- nvim-lspconfig has no built-in `gonotes` entry, so this registers one as a custom
-- server through require('lspconfig.configs') and then calls its setup().
--
-- Install: copy this file to ~/.config/nvim/lua/gonotes_lspconfig.lua, then in init.lua
-- (after nvim-lspconfig is on the runtimepath):
--
--   require('lspconfig').gopls.setup({})            -- as you have it today
--   require('gonotes_lspconfig').setup({
--     notes = { paths = { '~/notes', 'docs/notes' }, builtin = true },
--     -- cmd = { '/path/to/gonotes', 'lsp' },
--     -- on_attach = function(client, bufnr) ... end,
--   })
--
-- Versions:
--   * The require('lspconfig.configs') route needs an nvim-lspconfig release that
--     supports your Neovim. Current releases need Neovim 0.10+; on 0.7, pin an older
--     nvim-lspconfig release from the 0.7 era.
--   * On Neovim 0.11+, nvim-lspconfig deprecates its require('lspconfig') "framework"
--     (it prints a warning, and v3.0.0 removes it) in favour of vim.lsp.config(). So on
--     0.11+ this file registers gonotes with vim.lsp.config('gonotes', ...) and
--     vim.lsp.enable('gonotes') instead, which needs no nvim-lspconfig at all.
--
-- Hover with gopls and gonotes both attached: Neovim 0.11+ shows both answers in one
-- float; 0.7-0.10 show one of them (see gonotes.lua's header, whose
-- require('gonotes').hover() merges them on those versions).

local M = {}

local function server_config(opts)
  local notes = opts.notes or {}
  return {
    notes = { paths = notes.paths or {}, builtin = notes.builtin ~= false, inbox = notes.inbox },
    definition = opts.definition == true,
  }
end

-- window/showDocument for Neovim 0.7 (0.8+ has its own handler). gonotes sends it for
-- the "Open note" code action (workspace/executeCommand gonotes.openNote).
local function show_document(_, result)
  if type(result) ~= 'table' or not result.uri or result.external then
    return { success = false }
  end
  local ok = pcall(vim.cmd, 'edit ' .. vim.fn.fnameescape(vim.uri_to_fname(result.uri)))
  if ok and result.selection and result.selection.start then
    local s = result.selection.start
    pcall(vim.api.nvim_win_set_cursor, 0, { s.line + 1, s.character })
  end
  return { success = ok }
end

--- opts: { cmd, notes = { paths, builtin, inbox }, definition, on_attach, capabilities,
---         root_markers, cmd_env }
function M.setup(opts)
  opts = opts or {}
  local cfg = server_config(opts)
  local cmd = opts.cmd or { 'gonotes', 'lsp' }
  local root_markers = opts.root_markers or { 'go.mod', '.git' }

  if vim.lsp.config and vim.lsp.enable then
    -- Neovim 0.11+: native configs; nvim-lspconfig's framework is deprecated here.
    vim.lsp.config('gonotes', {
      cmd = cmd,
      cmd_env = opts.cmd_env,
      filetypes = { 'go' },
      root_markers = root_markers,
      init_options = cfg,
      settings = { gonotes = cfg },
      capabilities = opts.capabilities,
      on_attach = opts.on_attach,
    })
    vim.lsp.enable('gonotes')
    return
  end

  local configs = require('lspconfig.configs')
  local util = require('lspconfig.util')
  local handlers = {}
  local capabilities = opts.capabilities
  if not vim.lsp.handlers['window/showDocument'] then
    handlers['window/showDocument'] = show_document
    capabilities = vim.tbl_deep_extend('force',
      capabilities or vim.lsp.protocol.make_client_capabilities(),
      { window = { showDocument = { support = true } } })
  end

  if not configs.gonotes then
    configs.gonotes = {
      default_config = {
        cmd = cmd,
        filetypes = { 'go' },
        root_dir = function(fname)
          return util.root_pattern(unpack(root_markers))(fname)
        end,
        single_file_support = true,
        init_options = cfg,
        -- nvim-lspconfig sends `settings` with workspace/didChangeConfiguration after
        -- initialize, and answers workspace/configuration (section "gonotes") from it.
        settings = { gonotes = cfg },
      },
      docs = {
        description = 'gonotes: what your Markdown notes say about the Go code under the cursor.',
      },
    }
  end

  require('lspconfig').gonotes.setup({
    cmd_env = opts.cmd_env,
    capabilities = capabilities,
    handlers = handlers,
    on_attach = opts.on_attach,
  })
end

return M
